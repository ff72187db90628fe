package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;


/**
 * Aurora PostgreSQL: readers are not in recovery and expose no replay position, so role and lag come
 * from {@code aurora_replica_status()}, the writer being the row with the {@code MASTER_SESSION_ID}
 * (the rule {@link AuroraMySqlDialect} shares).
 *
 * @author rw-routing
 */
public class AuroraPostgresDialect extends PostgresDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "aurora-postgresql";

	private static final String PROBE = "select session_id = 'MASTER_SESSION_ID', replica_lag_in_msec "
			+ "from aurora_replica_status() where server_id = aurora_db_instance_identifier()";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		AuroraReplicaStatus.Row row = query(connection, PROBE,
				AuroraReplicaStatus.Row::of);
		return AuroraReplicaStatus.probe(row, () -> identity(connection));
	}

	// Aurora readers share the writer's storage and have no replay position: reads are checked
	// against commit times and the lag Aurora reports.
	@Override
	public ReplicationPosition commitPosition(Connection connection) {
		return ReplicationPosition.UNKNOWN;
	}

	@Override
	public ReplicationPosition commitWithPosition(Connection connection) throws SQLException {
		return AuroraReplicaStatus.commit(connection);
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
