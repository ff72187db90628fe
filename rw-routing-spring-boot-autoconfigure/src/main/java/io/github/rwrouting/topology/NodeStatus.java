package io.github.rwrouting.topology;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the monitor last saw of one node.
 *
 * @param name {@code writer} or the reader's name
 * @param writer whether this is the node behind the writer pool
 * @param up whether the last poll succeeded
 * @param role the node's role at the last successful poll
 * @param lagBytes how far behind the writer the node's replay is, in bytes ({@code -1} when the
 * database has no comparable position, {@code 0} for the writer)
 * @param lagNanos how far behind the writer the node is, in time ({@code 0} for the writer)
 * @param excluded whether reads are kept away from the node (readers only)
 * @param checkedAt when the node was last polled, or {@code null} before the first poll
 * @param error why the last poll failed, without credentials, or {@code null}
 * @param exclusionReason why reads are kept away from the node, or {@code null} when they are not
 * @param servedByWriterNode whether this reader reaches the writer's own node (same cluster and
 * timeline, not in recovery): it serves reads, but takes no load off the primary
 * @author rw-routing
 */
public record NodeStatus(String name, boolean writer, boolean up, NodeRole role, long lagBytes, long lagNanos,
		boolean excluded, @Nullable Instant checkedAt, @Nullable String error, @Nullable ExclusionReason exclusionReason,
		boolean servedByWriterNode) {

	/**
	 * A status without an exclusion reason.
	 * @param name {@code writer} or the reader's name
	 * @param writer whether this is the node behind the writer pool
	 * @param up whether the last poll succeeded
	 * @param role the node's role at the last successful poll
	 * @param lagBytes replay lag in bytes
	 * @param lagNanos replay lag in time
	 * @param excluded whether reads are kept away from the node
	 * @param checkedAt when the node was last polled
	 * @param error why the last poll failed
	 */
	public NodeStatus(String name, boolean writer, boolean up, NodeRole role, long lagBytes, long lagNanos,
			boolean excluded, @Nullable Instant checkedAt, @Nullable String error) {
		this(name, writer, up, role, lagBytes, lagNanos, excluded, checkedAt, error, null, false);
	}

	static NodeStatus initial(String name, boolean writer) {
		return new NodeStatus(name, writer, false, NodeRole.UNKNOWN, 0, 0, false, null, null);
	}

	/**
	 * Whether the writer pool reaches a node that is not the primary (after a failover, a stale DNS
	 * entry, a misconfigured URL).
	 * @return {@code true} if this is the writer and it reaches a replica
	 */
	public boolean isDemotedWriter() {
		return this.writer && this.up && this.role == NodeRole.REPLICA;
	}

}
