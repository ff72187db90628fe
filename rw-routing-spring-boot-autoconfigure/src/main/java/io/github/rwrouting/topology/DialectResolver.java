package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Finds the dialect of a cluster: the configured one, else from the JDBC URL and the server: for
 * PostgreSQL whether it is Aurora, for MySQL Connector/J and AWS JDBC wrapper URLs of the MySQL
 * family whether it is MariaDB, MySQL or Aurora MySQL.
 *
 * @author rw-routing
 */
public final class DialectResolver {

	private final DialectType configured;

	/**
	 * Create a resolver.
	 * @param configured the configured dialect, or {@link DialectType#AUTO}
	 */
	public DialectResolver(DialectType configured) {
		this.configured = configured;
	}

	/**
	 * The configured dialect, when one is configured.
	 * @return the dialect, or {@code null} when it is to be detected
	 */
	public @Nullable DatabaseDialect configured() {
		return this.configured.create();
	}

	/**
	 * Whether a JDBC URL is one the dialects can monitor.
	 * @param jdbcUrl the URL
	 * @return {@code true} for PostgreSQL URLs (plain or through the AWS JDBC wrapper)
	 */
	private static boolean isPostgres(@Nullable String jdbcUrl) {
		return jdbcUrl != null && (jdbcUrl.startsWith("jdbc:postgresql:")
				|| jdbcUrl.startsWith("jdbc:aws-wrapper:postgresql:"));
	}

	/**
	 * Whether a JDBC URL is MariaDB Connector/J's: taken to reach MariaDB until the monitor asks the
	 * server ({@link #detect}), which finds MySQL or Aurora MySQL behind it too.
	 */
	private static boolean isMariaDb(@Nullable String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith("jdbc:mariadb:");
	}

	/**
	 * The dialect to use from the URL alone, before any connection: what commit positions need until
	 * the monitor reaches a node. A URL of MySQL Connector/J or of the AWS JDBC wrapper for MySQL or
	 * MariaDB may reach MariaDB, MySQL or Aurora MySQL: the server is asked ({@link #detect}).
	 * @param jdbcUrl the URL
	 * @return the dialect, or {@code null} if the URL does not tell
	 */
	public @Nullable DatabaseDialect forUrl(@Nullable String jdbcUrl) {
		DatabaseDialect dialect = configured();
		if (dialect != null) {
			return dialect;
		}
		if (isMariaDb(jdbcUrl)) {
			return new MariaDbDialect();
		}
		return isPostgres(jdbcUrl) ? new PostgresDialect() : null;
	}

	/**
	 * The driver properties of the monitor's connections to a node, or none when its database cannot
	 * be monitored.
	 * @param jdbcUrl the node's URL
	 * @param timeout the monitor's timeout
	 * @return the properties, or {@code null} if no dialect can monitor the URL's database
	 */
	public @Nullable Properties monitorConnectionProperties(@Nullable String jdbcUrl, Duration timeout) {
		DatabaseDialect dialect = forUrl(jdbcUrl);
		if (dialect != null) {
			return dialect.monitorConnectionProperties(timeout);
		}
		return MySqlFamily.isUrl(jdbcUrl) ? MySqlFamily.monitorConnectionProperties(timeout) : null;
	}

	/**
	 * The dialect, looking at the server when it is to be detected: PostgreSQL or Aurora PostgreSQL
	 * by the driver's product name; else MariaDB, MySQL or Aurora MySQL by asking the server.
	 * @param connection a connection to a node of the cluster
	 * @return the dialect
	 * @throws SQLException if the server could not be asked
	 */
	public DatabaseDialect detect(Connection connection) throws SQLException {
		DatabaseDialect dialect = configured();
		if (dialect != null) {
			return dialect;
		}
		String product = connection.getMetaData().getDatabaseProductName();
		if (product != null && product.toLowerCase(Locale.ROOT).contains("postgres")) {
			return AuroraPostgresDialect.isAurora(connection) ? new AuroraPostgresDialect() : new PostgresDialect();
		}
		return MySqlFamily.detect(connection);
	}

}
