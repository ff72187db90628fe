package io.github.rwrouting.testcontainers;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.boot.testcontainers.lifecycle.TestcontainersStartup;

/**
 * A reader backed by a JDBC container, started (as Spring Boot's container connection details do) when
 * its details are first read.
 *
 * @author rw-routing
 */
class ContainerReaderConnectionDetails implements ReaderConnectionDetails {

	private final JdbcDatabaseContainer<?> container;

	ContainerReaderConnectionDetails(JdbcDatabaseContainer<?> container) {
		this.container = container;
	}

	@Override
	public String getJdbcUrl() {
		return started().getJdbcUrl();
	}

	@Override
	public String getUsername() {
		return started().getUsername();
	}

	@Override
	public String getPassword() {
		return started().getPassword();
	}

	@Override
	public String getDriverClassName() {
		return this.container.getDriverClassName();
	}

	private JdbcDatabaseContainer<?> started() {
		TestcontainersStartup.start(this.container);
		return this.container;
	}

}
