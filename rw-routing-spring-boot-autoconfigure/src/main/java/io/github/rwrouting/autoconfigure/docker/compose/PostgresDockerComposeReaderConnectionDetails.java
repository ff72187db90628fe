package io.github.rwrouting.autoconfigure.docker.compose;

import java.util.Map;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;

/**
 * A PostgreSQL replica service's connection, read from its environment the way Spring Boot reads a
 * PostgreSQL service's ({@code POSTGRES_USER}, {@code POSTGRES_PASSWORD}, {@code POSTGRES_DB} and their
 * {@code POSTGRESQL_*} variants) and from the host port published for 5432.
 *
 * @author rw-routing
 */
final class PostgresDockerComposeReaderConnectionDetails implements ReaderConnectionDetails {

	private static final int POSTGRES_PORT = 5432;

	private final String jdbcUrl;

	private final String username;

	private final @Nullable String password;

	private PostgresDockerComposeReaderConnectionDetails(String jdbcUrl, String username, @Nullable String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
	}

	static PostgresDockerComposeReaderConnectionDetails of(RunningService service) {
		Map<String, @Nullable String> env = service.env();
		String username = first(env, "postgres", "POSTGRES_USER", "POSTGRESQL_USER", "POSTGRESQL_USERNAME");
		String database = first(env, username, "POSTGRES_DB", "POSTGRESQL_DB", "POSTGRESQL_DATABASE");
		String password = "trust".equals(env.get("POSTGRES_HOST_AUTH_METHOD")) ? null
				: first(env, "", "POSTGRES_PASSWORD", "POSTGRESQL_PASSWORD");
		int port = service.ports().get(POSTGRES_PORT);
		return new PostgresDockerComposeReaderConnectionDetails(
				"jdbc:postgresql://" + service.host() + ":" + port + "/" + database, username, password);
	}

	private static String first(Map<String, @Nullable String> env, String defaultValue, String... keys) {
		for (String key : keys) {
			String value = env.get(key);
			if (value != null) {
				return value;
			}
		}
		return defaultValue;
	}

	@Override
	public String getJdbcUrl() {
		return this.jdbcUrl;
	}

	@Override
	public String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

}
