package io.github.rwrouting.topology;

/**
 * Recent writer positions with the time each was seen, to turn a replica's position into a lag in
 * time: a replica that has replayed up to P lags by the time since the writer first went past P.
 * Unlike {@code now() - pg_last_xact_replay_timestamp()}, this stays at zero on an idle primary.
 *
 * @author rw-routing
 */
final class WriterHistory {

	private final long[] times;

	private final long[] positions;

	private int size;

	private int newest = -1;

	WriterHistory(int capacity) {
		this.times = new long[capacity];
		this.positions = new long[capacity];
	}

	synchronized void record(long nanoTime, long position) {
		if (this.size > 0 && this.positions[this.newest] == position) {
			return; // an idle writer: the first time this position was seen is what matters
		}
		this.newest = (this.newest + 1) % this.times.length;
		this.times[this.newest] = nanoTime;
		this.positions[this.newest] = position;
		this.size = Math.min(this.size + 1, this.times.length);
	}

	/**
	 * The writer's newest position, or {@link NodeProbe#UNKNOWN}.
	 */
	synchronized long latestPosition() {
		return (this.size > 0) ? this.positions[this.newest] : NodeProbe.UNKNOWN;
	}

	/**
	 * How long the writer has been past {@code position}: zero when it is not past it, at least the
	 * span of the history when it was already past it at the oldest recorded sample.
	 */
	synchronized long lagNanos(long position, long nowNanos) {
		if (this.size == 0 || this.positions[this.newest] <= position) {
			return 0;
		}
		int index = this.newest;
		long firstPast = this.times[index];
		for (int i = 1; i < this.size; i++) {
			index = (index - 1 + this.times.length) % this.times.length;
			if (this.positions[index] <= position) {
				break;
			}
			firstPast = this.times[index];
		}
		return Math.max(0, nowNanos - firstPast);
	}

}
