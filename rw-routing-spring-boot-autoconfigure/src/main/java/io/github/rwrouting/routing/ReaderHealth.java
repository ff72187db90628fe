package io.github.rwrouting.routing;

import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ReplicationPosition;

/**
 * Whether a reader may take reads, as last decided by the replica monitor. Written by the monitor,
 * read on every routing decision: plain volatile fields, no locking.
 *
 * @author rw-routing
 */
public final class ReaderHealth {

	private final boolean singleNode;

	private volatile boolean available = true;

	private volatile RouteReason unavailableReason = RouteReason.READER_DOWN;

	private volatile long lagNanos;

	private volatile ReplicationPosition replayed = ReplicationPosition.UNKNOWN;

	private volatile long appliedUntilMillis = Long.MIN_VALUE;

	ReaderHealth(boolean singleNode) {
		this.singleNode = singleNode;
	}

	/**
	 * Record how far the reader has replayed, as the monitor last saw it.
	 * @param replayed the replayed position and its timeline, {@link ReplicationPosition#UNKNOWN}
	 * when the database has none
	 * @param appliedUntilMillis a time (epoch milliseconds) before which every commit is known to be
	 * visible on the reader
	 */
	public void replayed(ReplicationPosition replayed, long appliedUntilMillis) {
		this.replayed = replayed;
		this.appliedUntilMillis = appliedUntilMillis;
	}

	/**
	 * Whether the reader is known, without asking it, to show a write.
	 * @param write the write's commit position, timeline and time
	 * @return {@code true} if the monitor last saw the reader past it on the write's timeline; never
	 * by position when the reader's connections may reach other nodes than the monitor's
	 */
	public boolean hasReplayed(ConsistencyToken.Entry write) {
		if (write.position() >= 0) {
			if (!this.singleNode) {
				// The monitor saw one of the nodes behind the endpoint; the read may land on another.
				return false;
			}
			ReplicationPosition node = this.replayed;
			if (node.isKnown()) {
				return node.includes(write.timeline(), write.position());
			}
		}
		return this.appliedUntilMillis >= write.commitTimeMillis();
	}

	/**
	 * The reader may serve reads.
	 * @param lagNanos its current replication lag
	 */
	public void markAvailable(long lagNanos) {
		this.lagNanos = lagNanos;
		this.available = true;
	}

	/**
	 * The reader must not serve reads.
	 * @param reason {@link RouteReason#LAG} or {@link RouteReason#READER_DOWN}
	 * @param lagNanos its current replication lag, if known
	 */
	public void markUnavailable(RouteReason reason, long lagNanos) {
		this.lagNanos = lagNanos;
		this.unavailableReason = reason;
		this.available = false;
	}

	/**
	 * A read found the reader behind: it is taken to lag this much until the monitor's next poll
	 * measures it again.
	 * @param lagNanos the lag it is taken to have
	 */
	public void lagsAtLeast(long lagNanos) {
		// Racy by design: losing one of two concurrent raises only costs one wasted wait.
		if (lagNanos > this.lagNanos) {
			this.lagNanos = lagNanos;
		}
	}

	/**
	 * Whether the reader may serve reads.
	 * @return {@code true} if it may
	 */
	public boolean isAvailable() {
		return this.available;
	}

	/**
	 * Why the reader may not serve reads, when it may not.
	 * @return the reason
	 */
	public RouteReason unavailableReason() {
		return this.unavailableReason;
	}

	/**
	 * The replication lag last measured.
	 * @return the lag in nanoseconds
	 */
	public long lagNanos() {
		return this.lagNanos;
	}

}
