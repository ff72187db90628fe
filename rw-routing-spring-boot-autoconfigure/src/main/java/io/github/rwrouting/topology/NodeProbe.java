package io.github.rwrouting.topology;

import io.github.rwrouting.consistency.ClusterIdentity;
import org.jspecify.annotations.Nullable;

/**
 * What one poll of a node found.
 *
 * @param role the node's role
 * @param position the node's replication position (PostgreSQL: the WAL position in bytes, the
 * current insert position on a primary, the replay position on a standby), or {@link #UNKNOWN} when
 * the database has no comparable position
 * @param reportedLagNanos the lag the database reports itself (Aurora), or {@link #UNKNOWN}
 * @param identity the cluster and timeline the node belongs to, or {@code null} if unknown
 * @author rw-routing
 */
public record NodeProbe(NodeRole role, long position, long reportedLagNanos, @Nullable ClusterIdentity identity) {

	/**
	 * Marks a value the database does not provide.
	 */
	public static final long UNKNOWN = -1;

}
