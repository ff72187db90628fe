package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Finds the dialect of a cluster: the configured one, else from the JDBC URL and the server's
 * product name and version (MariaDB), and, for PostgreSQL, whether the server is Aurora.
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
	 * Whether a JDBC URL is MariaDB Connector/J's. A {@code jdbc:mysql:} URL may reach MySQL, which
	 * has no dialect yet: MariaDB behind MySQL Connector/J needs {@code rw-routing.dialect=mariadb}.
	 */
	private static boolean isMariaDb(@Nullable String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith("jdbc:mariadb:");
	}

	/**
	 * The dialect to use from the URL alone, before any connection: what monitoring connections need.
	 * @param jdbcUrl the URL
	 * @return the dialect, or {@code null} if the database is not supported
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
	 * The dialect, looking at the server when it is to be detected.
	 * @param connection a connection to a node of the cluster
	 * @return the dialect
	 * @throws SQLException if the server could not be asked
	 */
	public DatabaseDialect detect(Connection connection) throws SQLException {
		DatabaseDialect dialect = configured();
		if (dialect != null) {
			return dialect;
		}
		if (isMariaDb(connection)) {
			return new MariaDbDialect();
		}
		return AuroraPostgresDialect.isAurora(connection) ? new AuroraPostgresDialect() : new PostgresDialect();
	}

	/**
	 * Whether the server is MariaDB: its product name (MariaDB Connector/J) or its version
	 * ({@code 11.4.5-MariaDB}, what MySQL Connector/J reports). Both come from the connection's
	 * handshake, without a round trip.
	 */
	static boolean isMariaDb(Connection connection) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		return containsMariaDb(metaData.getDatabaseProductName())
				|| containsMariaDb(metaData.getDatabaseProductVersion());
	}

	private static boolean containsMariaDb(@Nullable String value) {
		return value != null && value.toLowerCase(Locale.ROOT).contains("mariadb");
	}

}
