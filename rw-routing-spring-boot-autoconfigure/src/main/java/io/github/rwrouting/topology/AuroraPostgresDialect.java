package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;


/**
 * Aurora PostgreSQL: readers are not in recovery and expose no replay position, so role and lag come
 * from {@code aurora_replica_status()}, the writer being the row with the {@code MASTER_SESSION_ID}.
 *
 * @author rw-routing
 */
public class AuroraPostgresDialect extends PostgresDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "aurora-postgresql";

	private static final String PROBE = "select session_id = 'MASTER_SESSION_ID', coalesce(replica_lag_in_msec, 0) "
			+ "from aurora_replica_status() where server_id = aurora_db_instance_identifier()";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		NodeProbe probe = query(connection, PROBE, (result) -> {
			boolean writer = result.getBoolean(1);
			long lagNanos = writer ? 0 : TimeUnit.MILLISECONDS.toNanos(Math.max(0, result.getLong(2)));
			return new NodeProbe(writer ? NodeRole.PRIMARY : NodeRole.REPLICA, NodeProbe.UNKNOWN, lagNanos, null);
		});
		if (probe == null) {
			return new NodeProbe(NodeRole.UNKNOWN, NodeProbe.UNKNOWN, NodeProbe.UNKNOWN, null);
		}
		return (probe.role() == NodeRole.PRIMARY)
				? new NodeProbe(NodeRole.PRIMARY, NodeProbe.UNKNOWN, 0, identity(connection)) : probe;
	}

	// Aurora readers share the writer's storage and have no replay position: reads are checked
	// against commit times and the lag Aurora reports.
	@Override
	public ReplicationPosition commitPosition(Connection connection) {
		return ReplicationPosition.UNKNOWN;
	}

	@Override
	public ReplicationPosition commitWithPosition(Connection connection) throws SQLException {
		connection.commit();
		return ReplicationPosition.UNKNOWN;
	}

	@Override
	public ReplicationPosition replayPosition(Connection connection) {
		return ReplicationPosition.UNKNOWN;
	}

	@Override
	public ReplayCheck replayCheck(Connection connection) {
		return ReplayCheck.UNKNOWN;
	}

	/**
	 * Unknown: Aurora readers are not in recovery, whatever they report of it.
	 */
	@Override
	public boolean reportsLeftRecovery(Connection connection) {
		return false;
	}

	/**
	 * Whether a PostgreSQL connection reaches Aurora.
	 * @param connection a connection
	 * @return {@code true} on Aurora PostgreSQL
	 * @throws SQLException if the check failed
	 */
	static boolean isAurora(Connection connection) throws SQLException {
		return Boolean.TRUE.equals(query(connection,
				"select exists (select 1 from pg_proc where proname = 'aurora_replica_status')",
				(result) -> result.getBoolean(1)));
	}

}
