package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;

/**
 * What pgjdbc last heard a server report of itself (ParameterStatus messages), read without a round
 * trip. Only this class refers to pgjdbc, which is optional: its callers load it only when pgjdbc
 * is on the class path.
 *
 * @author rw-routing
 */
final class PgjdbcParameterStatus {

	private static final String IN_HOT_STANDBY = "in_hot_standby";

	private PgjdbcParameterStatus() {
	}

	/**
	 * Whether the connection's server last reported that it is not in hot standby. The server reports
	 * the change at the end of the first statement (or COMMIT) after a promotion, before answering
	 * ready; a connection that sat idle since reports the value it had before.
	 * @param connection a connection, pooled or not
	 * @return {@code true} if it is a pgjdbc connection whose server reported {@code in_hot_standby}
	 * {@code off}; {@code false} otherwise (also before PostgreSQL 14, which does not report it)
	 */
	static boolean reportsNotInHotStandby(Connection connection) {
		try {
			if (!connection.isWrapperFor(PGConnection.class)) {
				return false;
			}
			return "off".equals(connection.unwrap(PGConnection.class).getParameterStatus(IN_HOT_STANDBY));
		}
		catch (SQLException ex) {
			// A closed connection reports nothing: whatever runs on it next fails and is handled there.
			return false;
		}
	}

}
