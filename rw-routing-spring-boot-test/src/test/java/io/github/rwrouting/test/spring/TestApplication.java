package io.github.rwrouting.test.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the tests and slices of this module start; its database comes from
 * {@link AutoConfigureReplicatedPostgres}, with no URL anywhere.
 */
@SpringBootApplication
public class TestApplication {

}
