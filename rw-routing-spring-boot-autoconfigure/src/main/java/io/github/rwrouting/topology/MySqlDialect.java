package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * MySQL 8.0 and 8.4 with GTID replication ({@code gtid_mode=ON}, replicas {@code read_only} or
 * {@code super_read_only}): role from those and whether the node's replication applier runs,
 * positions as {@link MySqlGtidSet GTID sets} ({@code @@gtid_executed}, on a primary and a replica
 * alike, MySQL 8.3+ GTID tags included). Not run against a MySQL server (none can be run where
 * rw-routing is tested); the logic is unit tested.
 * <p>
 * A commit's position is read right after the COMMIT: the writer's {@code @@gtid_executed}, which
 * holds the transaction's own GTID, cut to the part of the uuids that can have written it. A
 * session with {@code gtid_next} {@code AUTOMATIC} (or {@code AUTOMATIC:tag}) gets its GTIDs from
 * the server: under its {@code server_uuid}, or, in a running Group Replication group, under
 * {@code group_replication_group_name} (both are kept when the latter is set). That part holds
 * every transaction those uuids wrote up to this one, so it is small, stays small across
 * failovers, and a replica that has it has the write. Whatever else the session says
 * ({@code gtid_next} set to a GTID by the application; the variables not readable), the whole set
 * is kept: a safe upper bound.
 * <p>
 * The group name is not read on the commit path (only {@code performance_schema} tells it without
 * failing on a server without the Group Replication plugin, and reading it there materialises
 * every global variable): the monitor's poll of a node reads it with the node's
 * {@code server_uuid}, once per interval, and commits on that server use it. Until the monitor
 * has polled the writer (no monitor; a new writer) the whole set is kept. A group started on the
 * writer after its last poll is missed until the next one: its commits' positions then leave out
 * the group's GTIDs for up to one monitor interval.
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
	// The sixth column is the Group Replication group's name: NULL when performance_schema has no
	// rows (off: a group is not ruled out), '' when there is no group. performance_schema.
	// global_variables is readable by every user.
	private static final String PROBE = "SELECT @@read_only, @@super_read_only, @@server_uuid, @@gtid_executed, "
			+ "(SELECT COUNT(*) FROM performance_schema.replication_applier_status WHERE SERVICE_STATE = 'ON'), "
			+ "(SELECT COALESCE(MAX(IF(VARIABLE_NAME = 'group_replication_group_name', VARIABLE_VALUE, NULL)), '') "
			+ "FROM performance_schema.global_variables "
			+ "WHERE VARIABLE_NAME IN ('server_uuid', 'group_replication_group_name') HAVING COUNT(*) > 0)";

	// More servers than a cluster has: the names of servers gone since are dropped.
	private static final int MAX_GROUP_NAMES = 64;

	// On a replica and on a writer alike: what the node has committed.
	private static final String REPLAY_POSITION = "SELECT @@gtid_executed";

	private static final String IDENTITY = "SELECT @@server_uuid";

	// The Group Replication group's name ('' for none) by server_uuid, as the monitor's polls last
	// read it: what a commit on that server needs, off the commit path.
	private final Map<UUID, String> groupNames = new ConcurrentHashMap<>();

	// Everything the writer committed when the SELECT runs (the transaction just committed too),
	// and what tells which uuid the transaction's GTID has: the server's uuid and the session's
	// gtid_next. Only system variables: no table, no lock.
	private final CommitThenRead executed = new CommitThenRead(
			"SELECT @@gtid_executed, @@server_uuid, @@session.gtid_next",
			(result) -> commitPosition(result.getString(1), result.getString(2), result.getString(3)));

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
			String serverUuid = result.getString(3);
			groupNameProbed(serverUuid, result.getString(6));
			return probe(result.getBoolean(1) || result.getBoolean(2), result.getLong(5) > 0, serverUuid,
					result.getString(4));
		}
	}

	/**
	 * Record a server's Group Replication group name, as a poll read it.
	 * @param serverUuid the server's {@code server_uuid}
	 * @param groupName the name, {@code ""} for none, {@code null} when it could not be read
	 */
	void groupNameProbed(@Nullable String serverUuid, @Nullable String groupName) {
		UUID key = uuid(serverUuid);
		if (key == null) {
			return;
		}
		if (groupName == null) {
			this.groupNames.remove(key);
			return;
		}
		if (!groupName.equals(this.groupNames.get(key))) {
			if (this.groupNames.size() >= MAX_GROUP_NAMES) {
				this.groupNames.clear();
			}
			this.groupNames.put(key, groupName);
		}
	}

	/**
	 * The position of a write, with the group name the monitor last read on the writer (the whole
	 * set while it has not).
	 */
	ReplicationPosition commitPosition(@Nullable String executed, @Nullable String serverUuid,
			@Nullable String gtidNext) {
		UUID server = uuid(serverUuid);
		return commitPosition(executed, server, gtidNext, (server != null) ? this.groupNames.get(server) : null);
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
	 * The position of a write: the part of the writer's executed set that the uuids which can
	 * have written it wrote (see the class description), with the writer's uuid as timeline.
	 * @param executed the writer's {@code @@gtid_executed} right after the commit
	 * @param serverUuid the writer's {@code @@server_uuid}
	 * @param gtidNext the session's {@code gtid_next}
	 * @param groupName the Group Replication group's name, {@code ""} for none, {@code null} when
	 * it could not be read or was not read yet
	 */
	static ReplicationPosition commitPosition(@Nullable String executed, @Nullable String serverUuid,
			@Nullable String gtidNext, @Nullable String groupName) {
		return commitPosition(executed, uuid(serverUuid), gtidNext, groupName);
	}

	// The server uuid parsed once per commit: it keys the group names and gives the timeline.
	private static ReplicationPosition commitPosition(@Nullable String executed, @Nullable UUID server,
			@Nullable String gtidNext, @Nullable String groupName) {
		MySqlGtidSet gtidSet = MySqlGtidSet.parse(executed);
		if (gtidSet == null || server == null) {
			return ReplicationPosition.UNKNOWN;
		}
		MySqlGtidSet written = writersPart(gtidSet, server, gtidNext, groupName);
		return ReplicationPosition.ofGtidSet(timeline(server), (written != null) ? written : gtidSet);
	}

	/**
	 * The part of the set under the uuids a transaction of this session got its GTID from, or
	 * {@code null} when that is not known (then the whole set stands).
	 */
	private static @Nullable MySqlGtidSet writersPart(MySqlGtidSet executed, UUID server,
			@Nullable String gtidNext, @Nullable String groupName) {
		if (groupName == null || !isAutomatic(gtidNext)) {
			return null;
		}
		if (groupName.isBlank()) {
			return executed.ofUuids(server);
		}
		UUID group = uuid(groupName);
		return (group != null) ? executed.ofUuids(server, group) : null;
	}

	// AUTOMATIC, or AUTOMATIC:tag (MySQL 8.3+): the server picks the GTID, under its own uuid or
	// its group's.
	private static boolean isAutomatic(@Nullable String gtidNext) {
		return gtidNext != null && (gtidNext.equalsIgnoreCase("AUTOMATIC")
				|| gtidNext.regionMatches(true, 0, "AUTOMATIC:", 0, "AUTOMATIC:".length()));
	}

	/**
	 * Whether commit positions are read in the COMMIT's own round trip (the driver accepts several
	 * statements in one query); {@code false} once it refused.
	 * @return {@code true} while they are
	 */
	public boolean readsPositionWithCommit() {
		return this.executed.readsPositionWithCommit();
	}

	/**
	 * No: the lag counts transactions (see {@link DatabaseDialect#trustsCommitTime()}).
	 */
	@Override
	public boolean trustsCommitTime() {
		return false;
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
		UUID server = uuid(serverUuid);
		return (server != null) ? timeline(server) : ReplicationPosition.UNKNOWN_TIMELINE;
	}

	private static int timeline(UUID server) {
		int hash = server.hashCode();
		return (hash != ReplicationPosition.UNKNOWN_TIMELINE) ? hash : 1;
	}

	private static @Nullable UUID uuid(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return UUID.fromString(value.trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		return MySqlFamily.monitorConnectionProperties(timeout);
	}

}
