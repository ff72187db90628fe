package io.github.rwrouting.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What clients saw of their reads in the measured window. Each client fills its own instance
 * without locking; the driver merges them once the clients have stopped.
 */
final class ReadStats {

	/**
	 * Stale reads described in full, per instance: enough to see a pattern, not to flood the output.
	 */
	static final int MAX_STALE_EXAMPLES = 5;

	private long reads;

	private long stale;

	private long onReplica;

	private long staleOnReplica;

	private long probed;

	private long replayedBefore;

	private long visibleBefore;

	private long replayedOnWriter;

	private long[] latencies = new long[4096];

	private long[] writeLatencies = new long[4096];

	private final List<String> staleExamples = new ArrayList<>();

	/**
	 * Record one read.
	 * @param found whether the read found the row its client had just written
	 * @param replica whether a replica served it ({@code pg_is_in_recovery()})
	 * @param nanos how long the read-only transaction took
	 * @param writeNanos how long the read-write transaction before it took
	 * @param probe the replica's state right before the read, or {@code null} without probing
	 */
	void record(boolean found, boolean replica, long nanos, long writeNanos, LoadClient.Probe probe) {
		if (this.reads == this.latencies.length) {
			this.latencies = Arrays.copyOf(this.latencies, this.latencies.length * 2);
			this.writeLatencies = Arrays.copyOf(this.writeLatencies, this.writeLatencies.length * 2);
		}
		this.latencies[(int) this.reads] = nanos;
		this.writeLatencies[(int) this.reads] = writeNanos;
		this.reads++;
		if (replica) {
			this.onReplica++;
		}
		if (!found) {
			this.stale++;
			if (replica) {
				this.staleOnReplica++;
			}
		}
		if (probe != null) {
			this.probed++;
			if (probe.replayed()) {
				this.replayedBefore++;
				if (!replica) {
					this.replayedOnWriter++;
				}
			}
			if (probe.visible()) {
				this.visibleBefore++;
			}
		}
	}

	boolean wantsStaleExample() {
		return this.staleExamples.size() < MAX_STALE_EXAMPLES;
	}

	void staleExample(String description) {
		if (this.staleExamples.size() < MAX_STALE_EXAMPLES) {
			this.staleExamples.add(description);
		}
	}

	static ReadStats merge(List<ReadStats> parts) {
		ReadStats total = new ReadStats();
		total.latencies = new long[(int) parts.stream().mapToLong((part) -> part.reads).sum()];
		total.writeLatencies = new long[total.latencies.length];
		for (ReadStats part : parts) {
			System.arraycopy(part.latencies, 0, total.latencies, (int) total.reads, (int) part.reads);
			System.arraycopy(part.writeLatencies, 0, total.writeLatencies, (int) total.reads, (int) part.reads);
			total.reads += part.reads;
			total.stale += part.stale;
			total.onReplica += part.onReplica;
			total.staleOnReplica += part.staleOnReplica;
			total.probed += part.probed;
			total.replayedBefore += part.replayedBefore;
			total.visibleBefore += part.visibleBefore;
			total.replayedOnWriter += part.replayedOnWriter;
			part.staleExamples.forEach(total::staleExample);
		}
		Arrays.sort(total.latencies);
		Arrays.sort(total.writeLatencies);
		return total;
	}

	long reads() {
		return this.reads;
	}

	long stale() {
		return this.stale;
	}

	long staleOnReplica() {
		return this.staleOnReplica;
	}

	long onReplica() {
		return this.onReplica;
	}

	/**
	 * Reads that found their row on a replica: what a replica actually served correctly.
	 */
	long freshOnReplica() {
		return this.onReplica - this.staleOnReplica;
	}

	boolean probed() {
		return this.probed > 0;
	}

	/**
	 * Reads whose replica had replayed the write's commit position right before the read.
	 */
	long replayedBefore() {
		return this.replayedBefore;
	}

	/**
	 * Reads whose row was already visible on the replica right before the read.
	 */
	/**
	 * Reads the writer served although the replica had replayed their write right before them.
	 * @return the count
	 */
	long replayedOnWriter() {
		return this.replayedOnWriter;
	}

	long visibleBefore() {
		return this.visibleBefore;
	}

	List<String> staleExamples() {
		return this.staleExamples;
	}

	/**
	 * A latency percentile by nearest rank, of a merged instance (sorted latencies).
	 * @param percent 0 to 100
	 * @return milliseconds
	 */
	double percentileMillis(double percent) {
		return percentile(this.latencies, percent);
	}

	/**
	 * A percentile of the write transactions' latency, like {@link #percentileMillis}.
	 * @param percent 0 to 100
	 * @return milliseconds
	 */
	double writePercentileMillis(double percent) {
		return percentile(this.writeLatencies, percent);
	}

	private double percentile(long[] sorted, double percent) {
		if (this.reads == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(percent / 100 * this.reads);
		return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
	}

}
