package io.github.rwrouting.testcontainers;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the Spring tests of this module start; its database comes from the containers of
 * each test class, with no URL anywhere.
 */
@SpringBootApplication
public class TestApplication {

}
