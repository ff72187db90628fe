package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * What MariaDB, MySQL and Aurora MySQL share before a dialect is chosen: their JDBC URLs, the
 * driver properties of monitoring connections and which of the three a server is.
 *
 * @author rw-routing
 */
final class MySqlFamily {

	/** ER_UNKNOWN_SYSTEM_VARIABLE, MySQL's and MariaDB's answer to {@code @@aurora_version}. */
	static final int UNKNOWN_SYSTEM_VARIABLE = 1193;

	private MySqlFamily() {
	}

	/**
	 * Whether a JDBC URL reaches a server of the family through a driver that may reach any of them:
	 * MySQL Connector/J, or either driver behind the AWS JDBC wrapper. Which one it is, is asked on
	 * the server ({@link #detect(Connection)}).
	 */
	static boolean isUrl(@Nullable String jdbcUrl) {
		return jdbcUrl != null && (jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:aws-wrapper:mysql:")
				|| jdbcUrl.startsWith("jdbc:aws-wrapper:mariadb:"));
	}

	/**
	 * Which dialect a server of the family needs: {@code @@version} ends in {@code -MariaDB} on
	 * MariaDB (MySQL Connector/J connects to it as to MySQL), {@code @@aurora_version} exists on
	 * Aurora MySQL only. Asked once per process, when the monitor first reaches a node.
	 */
	static DatabaseDialect detect(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			if (isMariaDb(version(statement))) {
				return new MariaDbDialect();
			}
			return isAurora(statement) ? new AuroraMySqlDialect() : new MySqlDialect();
		}
	}

	static boolean isMariaDb(@Nullable String version) {
		return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
	}

	private static @Nullable String version(Statement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery("SELECT @@version")) {
			return result.next() ? result.getString(1) : null;
		}
	}

	private static boolean isAurora(Statement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery("SELECT @@aurora_version")) {
			return result.next() && result.getString(1) != null;
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == UNKNOWN_SYSTEM_VARIABLE) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * Driver properties that bound connecting and reading, in milliseconds, for MariaDB Connector/J
	 * and MySQL Connector/J alike.
	 */
	static Properties monitorConnectionProperties(Duration timeout) {
		String millis = Long.toString(Math.max(1, timeout.toMillis()));
		Properties properties = new Properties();
		properties.setProperty("connectTimeout", millis);
		properties.setProperty("socketTimeout", millis);
		return properties;
	}

}
