package io.github.rwrouting.topology;

import org.jspecify.annotations.Nullable;

/**
 * What one poll of a node found.
 *
 * @param role the node's role
 * @param position the node's replication position (PostgreSQL: the WAL position in bytes, the
 * current insert position on a primary, the replay position on a standby), or {@link #UNKNOWN} when
 * the database has no comparable position
 * @param reportedLagNanos the lag the database reports itself (Aurora), or {@link #UNKNOWN}
 * @param identity the cluster and timeline the node belongs to (a standby: the timeline it replays
 * on), or {@code null} if unknown
 * @param gtids the node's GTID position (MariaDB: the binary log's on a primary, the applied one on
 * a replica; {@code position} is then the sum of its sequence numbers), or {@code null}
 * @param gtidSet the node's executed GTID set (MySQL; {@code position} is then the number of its
 * transactions), or {@code null}
 * @author rw-routing
 */
public record NodeProbe(NodeRole role, long position, long reportedLagNanos, @Nullable ClusterIdentity identity,
		@Nullable GtidPosition gtids, @Nullable MySqlGtidSet gtidSet) {

	/**
	 * Marks a value the database does not provide.
	 */
	public static final long UNKNOWN = -1;

	/**
	 * What one poll found, for a database whose positions are offsets.
	 * @param role the node's role
	 * @param position the node's replication position, or {@link #UNKNOWN}
	 * @param reportedLagNanos the lag the database reports itself, or {@link #UNKNOWN}
	 * @param identity the cluster and timeline the node belongs to, or {@code null} if unknown
	 */
	public NodeProbe(NodeRole role, long position, long reportedLagNanos, @Nullable ClusterIdentity identity) {
		this(role, position, reportedLagNanos, identity, null, null);
	}

	/**
	 * What one poll found, for a database whose positions are MariaDB GTID positions.
	 * @param role the node's role
	 * @param position the sum of the GTID sequence numbers, or {@link #UNKNOWN}
	 * @param reportedLagNanos the lag the database reports itself, or {@link #UNKNOWN}
	 * @param identity the cluster and timeline the node belongs to, or {@code null} if unknown
	 * @param gtids the node's GTID position, or {@code null}
	 */
	public NodeProbe(NodeRole role, long position, long reportedLagNanos, @Nullable ClusterIdentity identity,
			@Nullable GtidPosition gtids) {
		this(role, position, reportedLagNanos, identity, gtids, null);
	}

	/**
	 * The node's position with its timeline.
	 * @return the position, {@link ReplicationPosition#UNKNOWN} when either is unknown
	 */
	public ReplicationPosition replicationPosition() {
		ClusterIdentity node = this.identity;
		GtidPosition nodeGtids = this.gtids;
		if (nodeGtids != null) {
			return ReplicationPosition.ofGtids(timeline(), nodeGtids);
		}
		MySqlGtidSet nodeSet = this.gtidSet;
		if (nodeSet != null) {
			return ReplicationPosition.ofGtidSet(timeline(), nodeSet);
		}
		return (node != null && this.position != UNKNOWN) ? new ReplicationPosition(node.timeline(), this.position)
				: ReplicationPosition.UNKNOWN;
	}

	/**
	 * The node's timeline.
	 * @return the timeline, or {@link ReplicationPosition#UNKNOWN_TIMELINE}
	 */
	public int timeline() {
		ClusterIdentity node = this.identity;
		return (node != null) ? node.timeline() : ReplicationPosition.UNKNOWN_TIMELINE;
	}

}
