package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Aurora MySQL: no GTIDs between instances (they share the writer's storage), so role and lag come
 * from {@code information_schema.replica_host_status}, the writer being the row with the
 * {@code MASTER_SESSION_ID}, and tokens carry the commit time only, exactly as on Aurora PostgreSQL
 * ({@link AuroraReplicaStatus}). Not run against Aurora (none is reachable where rw-routing is
 * tested).
 * <p>
 * Aurora MySQL has no cluster identity readable from SQL: every Aurora MySQL cluster has the same
 * cluster id here, so tokens are per configured cluster. The writer instance's name
 * ({@code @@aurora_server_id} of the writer, hashed) stands for the timeline: a failover changes it.
 *
 * @author rw-routing
 */
public class AuroraMySqlDialect implements DatabaseDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "aurora-mysql";

	/**
	 * The cluster id of every Aurora MySQL cluster ({@code "AuroraMy"} in ASCII).
	 */
	public static final long CLUSTER_ID = 0x4175726F72614D79L;

	// The table keeps rows of instances long gone: the newest row of each.
	private static final String WRITER = "(SELECT SERVER_ID FROM information_schema.replica_host_status "
			+ "WHERE SESSION_ID = '" + AuroraReplicaStatus.WRITER_SESSION_ID + "' "
			+ "ORDER BY LAST_UPDATE_TIMESTAMP DESC LIMIT 1)";

	// One round trip: the node's own row (writer or not, its lag) and the writer's name.
	private static final String PROBE = "SELECT SESSION_ID = '" + AuroraReplicaStatus.WRITER_SESSION_ID + "', "
			+ "REPLICA_LAG_IN_MILLISECONDS, " + WRITER + " FROM information_schema.replica_host_status "
			+ "WHERE SERVER_ID = @@aurora_server_id ORDER BY LAST_UPDATE_TIMESTAMP DESC LIMIT 1";

	private static final String IDENTITY = "SELECT " + WRITER;

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(PROBE)) {
			if (!result.next()) {
				return AuroraReplicaStatus.probe(null, () -> null);
			}
			AuroraReplicaStatus.Row row = AuroraReplicaStatus.Row.of(result);
			String writer = result.getString(3);
			return AuroraReplicaStatus.probe(row, () -> writerIdentity(writer));
		}
	}

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
	public ClusterIdentity identity(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(IDENTITY)) {
			ClusterIdentity identity = result.next() ? writerIdentity(result.getString(1)) : null;
			if (identity == null) {
				throw new SQLException("No writer in information_schema.replica_host_status");
			}
			return identity;
		}
	}

	/**
	 * The cluster's identity from its writer instance's name, or {@code null} without one.
	 */
	static @Nullable ClusterIdentity writerIdentity(@Nullable String writerServerId) {
		if (writerServerId == null || writerServerId.isEmpty()) {
			return null;
		}
		int hash = writerServerId.hashCode();
		return new ClusterIdentity(CLUSTER_ID, (hash != ReplicationPosition.UNKNOWN_TIMELINE) ? hash : 1);
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		return MySqlFamily.monitorConnectionProperties(timeout);
	}

}
