package io.github.rwrouting.routing;

/**
 * Whether a reader may take reads, as last decided by the replica monitor. Written by the monitor,
 * read on every routing decision: plain volatile fields, no locking.
 *
 * @author rw-routing
 */
public final class ReaderHealth {

	private volatile boolean available = true;

	private volatile RouteReason unavailableReason = RouteReason.READER_DOWN;

	private volatile long lagNanos;

	ReaderHealth() {
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
