package io.github.rwrouting.test.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a Spring test context a real replicated PostgreSQL (a primary and streaming hot standbys,
 * from {@code rw-routing-test}, without Docker) as its database, the way {@code @ServiceConnection}
 * does for a Testcontainers container: no URL to wire. The context gets
 * <ul>
 * <li>a {@code JdbcConnectionDetails} bean for the writer (the primary), which Spring Boot and
 * rw-routing prefer over {@code spring.datasource.*};</li>
 * <li>a {@code ReaderConnectionDetails} bean per standby, named after it ({@code replica1},
 * {@code replica2}, ...), so the readers {@code replica1}, ... with their pools
 * {@code reader-replica1DataSource}, ...;</li>
 * <li>the {@code PostgresCluster} bean, to inject into a test that needs to stop, freeze or lag a
 * node.</li>
 * </ul>
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureReplicatedPostgres(replicas = 2)
 * class OrderServiceTests { ... }
 * }</pre>
 * <p>
 * The cluster starts when the context first needs a connection and stops when the context is
 * closed. Contexts are cached by Spring's test framework: test classes with the same configuration
 * share a context and so one cluster. A test that leaves a node stopped, frozen or lagging should
 * say {@code @DirtiesContext}.
 *
 * @author rw-routing
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureReplicatedPostgres {

	/**
	 * The number of streaming standbys, each a reader.
	 * @return the number of standbys
	 */
	int replicas() default 1;

	/**
	 * Whether {@code replica1} is a synchronous standby.
	 * @return whether the first standby is synchronous
	 */
	boolean synchronousStandby() default false;

	/**
	 * Extra {@code postgresql.conf} settings for all nodes, each as {@code name=value}.
	 * @return the settings
	 */
	String[] settings() default {};

	/**
	 * The database to create and connect to.
	 * @return the database name
	 */
	String database() default "app";

}
