package io.github.rwrouting.autoconfigure.docker.compose;

import java.util.Map;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.util.StringUtils;

/**
 * A MariaDB replica service's connection, read from its environment by the rules of Spring Boot's own
 * {@code MariaDbEnvironment} (so a reader gets the credentials Boot gives the primary from the same
 * variables): {@code MARIADB_USER} or {@code MYSQL_USER}, else {@code root}; {@code MARIADB_PASSWORD},
 * {@code MYSQL_PASSWORD}, {@code MARIADB_ROOT_PASSWORD} or {@code MYSQL_ROOT_PASSWORD}, empty only with an
 * {@code *_ALLOW_EMPTY_PASSWORD} variable; {@code MARIADB_DATABASE} or {@code MYSQL_DATABASE}, required; and
 * the host port published for 3306.
 *
 * @author rw-routing
 */
final class MariaDbDockerComposeReaderConnectionDetails implements ReaderConnectionDetails {

	private static final int MARIADB_PORT = 3306;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	private MariaDbDockerComposeReaderConnectionDetails(String jdbcUrl, String username, String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
	}

	static MariaDbDockerComposeReaderConnectionDetails of(RunningService service) {
		Map<String, @Nullable String> env = service.env();
		for (String unsupported : new String[] { "MARIADB_RANDOM_ROOT_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD",
				"MARIADB_ROOT_PASSWORD_HASH" }) {
			// The password is then unknown to the application (as for Spring Boot's MariaDB services).
			state(!env.containsKey(unsupported), service,
					unsupported + " is not supported: set MARIADB_PASSWORD or MARIADB_ROOT_PASSWORD");
		}
		String username = first(env, "MARIADB_USER", "MYSQL_USER");
		String password = first(env, "MARIADB_PASSWORD", "MYSQL_PASSWORD", "MARIADB_ROOT_PASSWORD",
				"MYSQL_ROOT_PASSWORD");
		boolean allowEmptyPassword = env.containsKey("MARIADB_ALLOW_EMPTY_PASSWORD")
				|| env.containsKey("MYSQL_ALLOW_EMPTY_PASSWORD") || env.containsKey("ALLOW_EMPTY_PASSWORD");
		state(StringUtils.hasLength(password) || allowEmptyPassword, service,
				"it has no MariaDB password: set MARIADB_PASSWORD or MARIADB_ROOT_PASSWORD (those of the primary)");
		String database = first(env, "MARIADB_DATABASE", "MYSQL_DATABASE");
		state(database != null, service, "it has no MARIADB_DATABASE: set it (that of the primary)");
		int port = service.ports().get(MARIADB_PORT);
		return new MariaDbDockerComposeReaderConnectionDetails(
				"jdbc:mariadb://" + service.host() + ":" + port + "/" + database,
				(username != null) ? username : "root", (password != null) ? password : "");
	}

	private static void state(boolean condition, RunningService service, String problem) {
		if (!condition) {
			throw new IllegalStateException(DockerComposeReaders.describe(service) + " is a MariaDB reader, but "
					+ problem);
		}
	}

	private static @Nullable String first(Map<String, @Nullable String> env, String... keys) {
		for (String key : keys) {
			String value = env.get(key);
			if (value != null) {
				return value;
			}
		}
		return null;
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
	public String getPassword() {
		return this.password;
	}

	@Override
	public String getDriverClassName() {
		return "org.mariadb.jdbc.Driver";
	}

}
