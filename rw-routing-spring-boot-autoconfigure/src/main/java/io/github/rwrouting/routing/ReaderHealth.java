package io.github.rwrouting.routing;

import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ReplicationPosition;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether a reader may take reads, as last decided by the replica monitor and by the reads
 * themselves. Written by the monitor and by reads that failed to use the reader, read on every
 * routing decision: plain volatile fields, no locking on the routing path.
 * <p>
 * A read that cannot get or use a connection of the reader (its pool timed out, the connection
 * died) excludes the reader at once, for a backoff that doubles with each further failure, even
 * when the monitor's own connection is fine (a saturated pool, a node that accepts the monitor but
 * not the application). The monitor lets it rejoin only once the backoff is over; without a monitor
 * it rejoins by itself then.
 *
 * @author rw-routing
 */
public final class ReaderHealth {

	private static final int MAX_BACKOFF_SHIFT = 20;

	private final boolean singleNode;

	private volatile boolean monitored;

	private volatile long backoffNanos = TimeUnit.SECONDS.toNanos(1);

	private volatile long maxBackoffNanos = TimeUnit.SECONDS.toNanos(30);

	private volatile long excludedUntilNanos;

	private volatile boolean failureExcluded;

	// Guarded by this: only failures take the lock.
	private int consecutiveFailures;

	private long lastFailureNanos;

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
		this.failureExcluded = false;
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
		if (this.available) {
			return true;
		}
		// Without a monitor nobody else lets a reader excluded for failures rejoin.
		if (!this.monitored && this.failureExcluded && System.nanoTime() - this.excludedUntilNanos >= 0) {
			this.failureExcluded = false;
			this.available = true;
			return true;
		}
		return false;
	}

	/**
	 * How long reads are kept from the reader after failures.
	 * @param backoff the exclusion after a first failure, doubled with each further one
	 * @param maxBackoff the longest exclusion
	 */
	public void failureBackoff(Duration backoff, Duration maxBackoff) {
		this.backoffNanos = backoff.toNanos();
		this.maxBackoffNanos = Math.max(maxBackoff.toNanos(), this.backoffNanos);
	}

	/**
	 * A monitor decides when this reader may serve reads again.
	 */
	public void monitored() {
		this.monitored = true;
	}

	/**
	 * A read could not get or use a connection of this reader: keep reads away from it for a
	 * backoff. Concurrent failures within one backoff count once.
	 * @return {@code true} if this failure excluded the reader (it was serving reads)
	 */
	public boolean connectionFailed() {
		long now = System.nanoTime();
		synchronized (this) {
			if (this.failureExcluded && now - this.excludedUntilNanos < 0) {
				return false;
			}
			if (now - this.lastFailureNanos > 2 * this.maxBackoffNanos) {
				// Long enough without a failure: start again from the shortest backoff.
				this.consecutiveFailures = 0;
			}
			int shift = Math.min(this.consecutiveFailures, MAX_BACKOFF_SHIFT);
			this.consecutiveFailures++;
			this.lastFailureNanos = now;
			long backoff = Math.min(this.backoffNanos << shift, this.maxBackoffNanos);
			this.excludedUntilNanos = now + backoff;
			this.failureExcluded = true;
		}
		boolean wasAvailable = this.available;
		this.unavailableReason = RouteReason.READER_DOWN;
		this.available = false;
		return wasAvailable;
	}

	/**
	 * Whether reads are kept away from the reader because reads failed to use it recently.
	 * @return {@code true} while the backoff after a failure runs
	 */
	public boolean isFailureBackoff() {
		return this.failureExcluded && System.nanoTime() - this.excludedUntilNanos < 0;
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
