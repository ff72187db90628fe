package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * PostgreSQL with streaming replication: role from {@code pg_is_in_recovery()}, position from the
 * WAL (current on a primary, replayed on a standby).
 *
 * @author rw-routing
 */
public class PostgresDialect implements DatabaseDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "postgresql";

	// One round trip: role and position. pg_current_wal_lsn() fails on a standby, hence the CASE.
	private static final String PROBE = "select pg_is_in_recovery(), pg_wal_lsn_diff(case when pg_is_in_recovery() "
			+ "then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, '0/0')::bigint";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(PROBE)) {
			result.next();
			boolean inRecovery = result.getBoolean(1);
			long position = result.getLong(2);
			if (result.wasNull()) {
				position = NodeProbe.UNKNOWN;
			}
			return new NodeProbe(inRecovery ? NodeRole.REPLICA : NodeRole.PRIMARY, position, NodeProbe.UNKNOWN);
		}
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
		Properties properties = new Properties();
		properties.setProperty("connectTimeout", seconds);
		properties.setProperty("loginTimeout", seconds);
		properties.setProperty("socketTimeout", seconds);
		properties.setProperty("ApplicationName", "rw-routing-monitor");
		return properties;
	}

}
