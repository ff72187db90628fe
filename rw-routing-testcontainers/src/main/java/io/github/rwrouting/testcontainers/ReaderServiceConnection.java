package io.github.rwrouting.testcontainers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a static JDBC container field of a test class one of the application's readers, the way Spring
 * Boot's {@code @ServiceConnection} makes a container its database: the test context gets a
 * {@code ReaderConnectionDetails} bean named after the reader, so no {@code rw-routing.readers.*} URL is
 * needed ({@code rw-routing.readers.<name>.*} still tunes the pool).
 * <pre>{@code
 * @Container
 * @ServiceConnection
 * static PostgresPrimaryContainer primary = new PostgresPrimaryContainer();
 *
 * @Container
 * @ReaderServiceConnection("replica1")
 * static PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");
 * }</pre>
 * <p>
 * Spring Boot's {@code @ServiceConnection} cannot name a reader: it names its beans
 * {@code <type>For<field>} and registers only the first bean of each connection details type, while a
 * reader's name is its bean's name and there are as many readers as replicas.
 * <p>
 * The field's value must be a Testcontainers {@code JdbcDatabaseContainer}, such as a
 * {@link PostgresReplicaContainer} or a {@link MariaDbReplicaContainer}; it is started, if it has not been, when the reader's pool first
 * connects.
 *
 * @author rw-routing
 */
@Target({ ElementType.FIELD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReaderServiceConnection {

	/**
	 * The reader's name (lower-case letters, digits and hyphens), which is also its pool's name
	 * {@code reader-<name>} and its metric tag.
	 * @return the reader name
	 */
	String value();

}
