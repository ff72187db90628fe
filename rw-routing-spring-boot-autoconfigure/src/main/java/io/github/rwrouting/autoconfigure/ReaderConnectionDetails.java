package io.github.rwrouting.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.jdbc.DatabaseDriver;

/**
 * Details to connect to one reader (a replica or a reader endpoint), supplied as a bean instead of
 * {@code rw-routing.readers.<name>.url}: what a Testcontainers or Docker Compose setup, or
 * {@code rw-routing-spring-boot-test}, uses to hand readers to the application.
 * <p>
 * The bean's name is the reader's name: {@code @Bean("replica-1")} adds the reader
 * {@code replica-1}, whose pool is the bean {@code reader-replica-1DataSource}. Like Spring Boot's
 * {@code JdbcConnectionDetails} for the writer, a bean wins over the properties of the reader of the
 * same name for the connection (URL, username, password, driver), while
 * {@code rw-routing.readers.<name>.*} still supplies the rest ({@code hikari.*}, {@code max-lag},
 * {@code single-node}).
 * <p>
 * It is deliberately not a {@code JdbcConnectionDetails}, so that the writer's
 * {@code JdbcConnectionDetails} stays the only one of its type. Only {@link #getJdbcUrl()} has to be
 * implemented: {@code @Bean("replica-1") ReaderConnectionDetails replica1() { return () -> url; }}.
 *
 * @author rw-routing
 */
public interface ReaderConnectionDetails extends ConnectionDetails {

	/**
	 * The JDBC URL of the reader.
	 * @return the JDBC URL
	 */
	String getJdbcUrl();

	/**
	 * The login username, or {@code null} for the writer's.
	 * @return the username or {@code null}
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * The login password, or {@code null} for the writer's.
	 * @return the password or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * The JDBC driver class name. By default deduced from the URL, or {@code null} to let the pool
	 * find the driver.
	 * @return the driver class name or {@code null}
	 */
	default @Nullable String getDriverClassName() {
		return DatabaseDriver.fromJdbcUrl(getJdbcUrl()).getDriverClassName();
	}

}
