package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * What Aurora PostgreSQL and Aurora MySQL share: readers share the writer's storage and have no
 * replay position, so role and lag come from the replica status Aurora keeps per instance
 * ({@code aurora_replica_status()}, {@code information_schema.replica_host_status}), the writer
 * being the row with the {@code MASTER_SESSION_ID}, and reads are checked against commit times and
 * the lag Aurora reports.
 *
 * @author rw-routing
 */
final class AuroraReplicaStatus {

	/** The session id of the writer's row. */
	static final String WRITER_SESSION_ID = "MASTER_SESSION_ID";

	private AuroraReplicaStatus() {
	}

	/**
	 * What a poll found from the node's own row of the replica status.
	 * @param row the node's row, or {@code null} when it has none
	 * @param identity reads the writer's identity, asked only when the node is the writer
	 */
	static NodeProbe probe(@Nullable Row row, IdentityReader identity) throws SQLException {
		if (row == null) {
			return new NodeProbe(NodeRole.UNKNOWN, NodeProbe.UNKNOWN, NodeProbe.UNKNOWN, null);
		}
		if (row.writer()) {
			return new NodeProbe(NodeRole.PRIMARY, NodeProbe.UNKNOWN, 0, identity.read());
		}
		// A reader whose lag Aurora does not report (NULL) is not taken to have none: time-based tokens
		// then never trust it.
		long lagNanos = (row.lagMillis() != Row.NOT_REPORTED)
				? TimeUnit.MILLISECONDS.toNanos(Math.max(0, row.lagMillis())) : NodeProbe.UNKNOWN;
		return new NodeProbe(NodeRole.REPLICA, NodeProbe.UNKNOWN, lagNanos, null);
	}

	/**
	 * Commit without a position: tokens carry the commit time only.
	 */
	static ReplicationPosition commit(Connection connection) throws SQLException {
		connection.commit();
		return ReplicationPosition.UNKNOWN;
	}

	/**
	 * A node's own row of the replica status.
	 *
	 * @param writer whether it is the writer's ({@code MASTER_SESSION_ID})
	 * @param lagMillis the lag Aurora reports for it, in milliseconds (a negative one counts as none),
	 * or {@link #NOT_REPORTED} when it reports none (NULL; always for the writer)
	 */
	record Row(boolean writer, long lagMillis) {

		static final long NOT_REPORTED = Long.MIN_VALUE;

		static Row of(ResultSet result) throws SQLException {
			boolean writer = result.getBoolean(1);
			long lagMillis = result.getLong(2);
			return new Row(writer, result.wasNull() ? NOT_REPORTED : lagMillis);
		}

	}

	/**
	 * Reads the writer's identity.
	 */
	@FunctionalInterface
	interface IdentityReader {

		ClusterIdentity read() throws SQLException;

	}

}
