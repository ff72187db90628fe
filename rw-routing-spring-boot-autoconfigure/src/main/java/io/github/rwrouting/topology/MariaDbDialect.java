package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * MariaDB with GTID replication ({@code gtid_strict_mode}, replicas {@code read_only}): role from
 * {@code @@read_only} and whether the node replicates, positions as GTID sets (the binary log's on a
 * primary, {@code @@gtid_slave_pos} on a replica), commit positions from {@code @@last_gtid}.
 * <p>
 * MariaDB has no cluster identity: every MariaDB cluster has the same cluster id here, so tokens are
 * per configured cluster. The writer's {@code server_id} stands for the timeline: after a failover
 * that lost writes the promoted replica reuses their sequence numbers under its own server id, so
 * a write of an earlier writer is never checked by GTID on the new writer's replicas.
 *
 * @author rw-routing
 */
public class MariaDbDialect implements DatabaseDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "mariadb";

	/**
	 * The cluster id of every MariaDB cluster ({@code "MariaDB"} in ASCII): MariaDB servers have no
	 * shared identity.
	 */
	public static final long CLUSTER_ID = 0x4D61726961444200L;

	// One round trip: role, the node's own server id, both positions and whether it replicates.
	// Needs no privilege on any database (the monitor user needs SLAVE MONITOR for replica status
	// only, which this does not read).
	private static final String PROBE = "SELECT @@read_only, @@server_id, @@gtid_binlog_pos, @@gtid_slave_pos, "
			+ "(SELECT variable_value FROM information_schema.global_status WHERE variable_name = 'SLAVE_RUNNING')";

	// A replica's applied position (what MASTER_GTID_WAIT compares with; a transaction is visible
	// to new reads once it is in it), a writer's binary log position (its own writes never move
	// its gtid_slave_pos).
	private static final String REPLAY_POSITION = "SELECT IF(@@read_only, @@gtid_slave_pos, @@gtid_binlog_pos)";

	private static final String IDENTITY = "SELECT @@server_id";

	// @@last_gtid keeps the connection's last write: read only right after a statement or a
	// transaction that wrote (a pooled connection carries the previous borrower's).
	private final CommitThenRead lastGtid = new CommitThenRead("SELECT @@last_gtid",
			(result) -> lastGtid(result.getString(1)));

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
			boolean readOnly = result.getBoolean(1);
			long serverId = result.getLong(2);
			boolean replicating = "ON".equalsIgnoreCase(result.getString(5));
			NodeRole role = readOnly ? NodeRole.REPLICA : (replicating ? NodeRole.UNKNOWN : NodeRole.PRIMARY);
			GtidPosition gtids = GtidPosition.parse(result.getString(readOnly ? 4 : 3));
			// A replica does not say which writer it follows: no timeline (see ReplicationPosition).
			ClusterIdentity identity = new ClusterIdentity(CLUSTER_ID,
					(role == NodeRole.PRIMARY) ? timeline(serverId) : ReplicationPosition.UNKNOWN_TIMELINE);
			long position = (gtids != null) ? gtids.sequenceSum() : 0;
			return new NodeProbe(role, position, NodeProbe.UNKNOWN, identity, gtids);
		}
	}

	@Override
	public ReplicationPosition commitPosition(Connection connection) throws SQLException {
		return this.lastGtid.read(connection);
	}

	@Override
	public ReplicationPosition commitWithPosition(Connection connection) throws SQLException {
		return this.lastGtid.commit(connection);
	}

	/**
	 * Whether commit positions are read in the COMMIT's own round trip (the driver accepts several
	 * statements in one query); {@code false} once it refused.
	 * @return {@code true} while they are
	 */
	public boolean readsPositionWithCommit() {
		return this.lastGtid.readsPositionWithCommit();
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
			GtidPosition gtids = result.next() ? GtidPosition.parse(result.getString(1)) : null;
			return (gtids != null) ? ReplicationPosition.ofGtids(ReplicationPosition.UNKNOWN_TIMELINE, gtids)
					: ReplicationPosition.UNKNOWN;
		}
	}

	@Override
	public ClusterIdentity identity(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(IDENTITY)) {
			if (!result.next()) {
				throw new SQLException("No server_id");
			}
			return new ClusterIdentity(CLUSTER_ID, timeline(result.getLong(1)));
		}
	}

	/**
	 * The position of a transaction from its GTID, with its server id (the writer's) as timeline.
	 */
	static ReplicationPosition lastGtid(@Nullable String gtid) {
		GtidPosition gtids = GtidPosition.parse(gtid);
		if (gtids == null || gtids.size() != 1) {
			return ReplicationPosition.UNKNOWN;
		}
		return ReplicationPosition.ofGtids(timeline(gtids.server(0)), gtids);
	}

	/**
	 * A server id as a timeline: the unsigned 32-bit id in an int (ids above 2^31 wrap, staying
	 * distinct; 0 cannot be a primary's id, as replicas refuse a primary without one).
	 */
	private static int timeline(long serverId) {
		return (int) serverId;
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		return MySqlFamily.monitorConnectionProperties(timeout);
	}

}
