package io.github.rwrouting.topology;

/**
 * Recent writer positions with the times each was seen, to turn a replica's position into a lag in
 * time: a replica that has replayed up to P lags by the time since the writer went past P. Unlike
 * {@code now() - pg_last_xact_replay_timestamp()}, this stays at zero on an idle primary.
 * <p>
 * The writer is sampled once per monitor interval, so the moment it went past P is estimated
 * between the two samples around P, assuming a steady write rate in between; past the newest
 * sample, with the rate of the last two. A lag shorter than the interval therefore reads as itself,
 * not as zero or a whole interval.
 *
 * @author rw-routing
 */
final class WriterHistory {

	/** When each position was first seen. */
	private final long[] firstSeen;

	/** When each position was last seen: an idle writer stays at one position for many samples. */
	private final long[] lastSeen;

	private final long[] positions;

	private final long extrapolationNanos;

	private int size;

	private int newest = -1;

	/**
	 * Create a history.
	 * @param capacity how many distinct positions to keep
	 * @param extrapolationNanos how recent the newest sample must be to extrapolate from it; beyond,
	 * the writer is not being sampled (it is down, say) and a replica past the newest sample counts
	 * as caught up
	 */
	WriterHistory(int capacity, long extrapolationNanos) {
		this.extrapolationNanos = extrapolationNanos;
		this.firstSeen = new long[capacity];
		this.lastSeen = new long[capacity];
		this.positions = new long[capacity];
	}

	synchronized void record(long nanoTime, long position) {
		if (this.size > 0 && this.positions[this.newest] == position) {
			this.lastSeen[this.newest] = nanoTime;
			return;
		}
		this.newest = (this.newest + 1) % this.positions.length;
		this.firstSeen[this.newest] = nanoTime;
		this.lastSeen[this.newest] = nanoTime;
		this.positions[this.newest] = position;
		this.size = Math.min(this.size + 1, this.positions.length);
	}

	/**
	 * Forget every sample: the writer moved to another timeline, whose positions do not compare
	 * with the old one's.
	 */
	synchronized void clear() {
		this.size = 0;
		this.newest = -1;
	}

	/**
	 * The writer's newest position, or {@link NodeProbe#UNKNOWN}.
	 */
	synchronized long latestPosition() {
		return (this.size > 0) ? this.positions[this.newest] : NodeProbe.UNKNOWN;
	}

	/**
	 * How long the writer has been past {@code position}: zero when it is not known to be past it,
	 * at least the span of the history when it was already past it at the oldest recorded sample.
	 */
	synchronized long lagNanos(long position, long nowNanos) {
		if (this.size == 0 || this.positions[this.newest] == position) {
			return 0;
		}
		if (this.positions[this.newest] < position) {
			return Math.max(0, nowNanos - extrapolatedPassing(position, nowNanos));
		}
		int after = this.newest;
		for (int i = 1; i < this.size; i++) {
			int index = previous(after);
			if (this.positions[index] == position) {
				// The writer stayed at exactly this position until some time before the next sample:
				// the latest it can have left it, so that a replica that simply stopped at an idle
				// writer's position does not look older than it is.
				break;
			}
			if (this.positions[index] < position) {
				return Math.max(0, nowNanos - interpolate(index, after, position));
			}
			after = index;
		}
		// Also when the replica is older than the whole history: at least its span.
		return Math.max(0, nowNanos - this.firstSeen[after]);
	}

	/**
	 * The replica is past the newest sample, so the writer went past {@code position} after it:
	 * estimated with the rate between the two newest samples, and never later than now.
	 */
	private long extrapolatedPassing(long position, long nowNanos) {
		int newestIndex = this.newest;
		if (this.size < 2 || nowNanos - this.lastSeen[newestIndex] > this.extrapolationNanos) {
			return nowNanos;
		}
		int before = previous(newestIndex);
		double bytes = this.positions[newestIndex] - this.positions[before];
		double nanos = this.firstSeen[newestIndex] - this.lastSeen[before];
		if (bytes <= 0 || nanos <= 0) {
			return nowNanos;
		}
		double passing = this.lastSeen[newestIndex] + (position - this.positions[newestIndex]) * (nanos / bytes);
		return (long) Math.min(passing, nowNanos);
	}

	/**
	 * The writer was last seen at or before {@code position} at sample {@code before} and first
	 * seen past it at sample {@code after}: when it went past, assuming a steady rate in between.
	 */
	private long interpolate(int before, int after, long position) {
		long from = this.lastSeen[before];
		long to = this.firstSeen[after];
		double share = (double) (position - this.positions[before]) / (this.positions[after] - this.positions[before]);
		return from + (long) ((to - from) * share);
	}

	private int previous(int index) {
		return (index - 1 + this.positions.length) % this.positions.length;
	}

}
