package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * MySQL 8.0 and 8.4 with GTID replication ({@code gtid_mode=ON}, replicas {@code read_only} or
 * {@code super_read_only}): role from those and whether the node's replication applier runs,
 * positions as {@link MySqlGtidSet GTID sets} ({@code @@gtid_executed}, on a primary and a replica
 * alike), commit positions as the writer's {@code @@gtid_executed} right after the COMMIT: a safe
 * upper bound of the transaction's own GTID (it holds every transaction committed before, the
 * transaction's own included). Not run against a MySQL server (none can be run where rw-routing is
 * tested); the logic is unit tested.
 * <p>
 * GTIDs name the server that wrote them, so sets are compared exactly. MySQL has no cluster
 * identity: every MySQL cluster has the same cluster id here, so tokens are per configured cluster.
 * The writer's {@code server_uuid} (hashed) stands for the timeline, as MariaDB's {@code server_id}
 * does: it tells the monitor a promoted replica from the writer, and a token written before a
 * failover goes to the writer until it expires.
 *
 * @author rw-routing
 */
public class MySqlDialect implements DatabaseDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "mysql";

	/**
	 * The cluster id of every MySQL cluster ({@code "MySQL"} in ASCII).
	 */
	public static final long CLUSTER_ID = 0x4D7953514C000000L;

	// One round trip: role, the node's own uuid, its executed set and whether its applier runs
	// (a primary has no applier row with SERVICE_STATE ON). The monitor user needs SELECT on
	// performance_schema.replication_applier_status, nothing else.
	private static final String PROBE = "SELECT @@read_only, @@super_read_only, @@server_uuid, @@gtid_executed, "
			+ "(SELECT COUNT(*) FROM performance_schema.replication_applier_status WHERE SERVICE_STATE = 'ON')";

	// On a replica and on a writer alike: what the node has committed.
	private static final String REPLAY_POSITION = "SELECT @@gtid_executed";

	private static final String IDENTITY = "SELECT @@server_uuid";

	// Everything the writer committed when the SELECT runs: the transaction just committed too.
	private final CommitThenRead executed = new CommitThenRead("SELECT @@gtid_executed, @@server_uuid",
			(result) -> commitPosition(result.getString(1), result.getString(2)));

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(PROBE)) {
			if (!result.next()) {
				return new NodeProbe(NodeRole.UNKNOWN, NodeProbe.UNKNOWN, NodeProbe.UNKNOWN, null);
			}
			return probe(result.getBoolean(1) || result.getBoolean(2), result.getLong(5) > 0, result.getString(3),
					result.getString(4));
		}
	}

	/**
	 * What a poll found: a replica when read-only, the primary when writable and not replicating,
	 * unknown (never a reader) when writable and replicating.
	 */
	static NodeProbe probe(boolean readOnly, boolean replicating, @Nullable String serverUuid,
			@Nullable String executed) {
		NodeRole role = readOnly ? NodeRole.REPLICA : (replicating ? NodeRole.UNKNOWN : NodeRole.PRIMARY);
		MySqlGtidSet gtidSet = MySqlGtidSet.parse(executed);
		// A replica does not say which writer it follows: no timeline (see ReplicationPosition).
		ClusterIdentity identity = new ClusterIdentity(CLUSTER_ID,
				(role == NodeRole.PRIMARY) ? timeline(serverUuid) : ReplicationPosition.UNKNOWN_TIMELINE);
		long position = (gtidSet != null) ? gtidSet.transactionCount() : NodeProbe.UNKNOWN;
		return new NodeProbe(role, position, NodeProbe.UNKNOWN, identity, null, gtidSet);
	}

	@Override
	public ReplicationPosition commitPosition(Connection connection) throws SQLException {
		return this.executed.read(connection);
	}

	@Override
	public ReplicationPosition commitWithPosition(Connection connection) throws SQLException {
		return this.executed.commit(connection);
	}

	/**
	 * The position of a write: the writer's executed set, with its uuid as timeline.
	 */
	static ReplicationPosition commitPosition(@Nullable String executed, @Nullable String serverUuid) {
		MySqlGtidSet gtidSet = MySqlGtidSet.parse(executed);
		int timeline = timeline(serverUuid);
		return (gtidSet != null && timeline != ReplicationPosition.UNKNOWN_TIMELINE)
				? ReplicationPosition.ofGtidSet(timeline, gtidSet) : ReplicationPosition.UNKNOWN;
	}

	/**
	 * Whether commit positions are read in the COMMIT's own round trip (the driver accepts several
	 * statements in one query); {@code false} once it refused.
	 * @return {@code true} while they are
	 */
	public boolean readsPositionWithCommit() {
		return this.executed.readsPositionWithCommit();
	}

	@Override
	public ReplicationPosition replayPosition(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(REPLAY_POSITION)) {
			MySqlGtidSet gtidSet = result.next() ? MySqlGtidSet.parse(result.getString(1)) : null;
			return (gtidSet != null) ? ReplicationPosition.ofGtidSet(ReplicationPosition.UNKNOWN_TIMELINE, gtidSet)
					: ReplicationPosition.UNKNOWN;
		}
	}

	@Override
	public ClusterIdentity identity(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(IDENTITY)) {
			int timeline = result.next() ? timeline(result.getString(1)) : ReplicationPosition.UNKNOWN_TIMELINE;
			if (timeline == ReplicationPosition.UNKNOWN_TIMELINE) {
				throw new SQLException("No server_uuid");
			}
			return new ClusterIdentity(CLUSTER_ID, timeline);
		}
	}

	/**
	 * A {@code server_uuid} as a timeline: its 32-bit hash, never
	 * {@link ReplicationPosition#UNKNOWN_TIMELINE}. Two servers of a cluster share one with a chance
	 * of one in 2^32; a promoted replica would then pass for the writer in the monitor's eyes (token
	 * checks compare GTID sets and stay exact).
	 */
	static int timeline(@Nullable String serverUuid) {
		if (serverUuid == null) {
			return ReplicationPosition.UNKNOWN_TIMELINE;
		}
		try {
			int hash = UUID.fromString(serverUuid.trim()).hashCode();
			return (hash != ReplicationPosition.UNKNOWN_TIMELINE) ? hash : 1;
		}
		catch (IllegalArgumentException ex) {
			return ReplicationPosition.UNKNOWN_TIMELINE;
		}
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		return MySqlFamily.monitorConnectionProperties(timeout);
	}

}
