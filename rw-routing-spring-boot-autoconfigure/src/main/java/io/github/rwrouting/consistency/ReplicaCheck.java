package io.github.rwrouting.consistency;

import io.github.rwrouting.topology.ReplayCheck;

/**
 * What asking a replica for a write found: it had the write (at once, or after waiting) or not, and
 * its lag as the last look measured it. The outcome is counted by whoever carries out the
 * read, once it knows where the read runs.
 *
 * @author rw-routing
 */
public final class ReplicaCheck {

	static final ReplicaCheck CHECKED = new ReplicaCheck(ConsistencyOutcome.REPLICA_CHECKED, ReplayCheck.UNKNOWN_LAG);

	static final ReplicaCheck WAITED = new ReplicaCheck(ConsistencyOutcome.REPLICA_WAITED, ReplayCheck.UNKNOWN_LAG);

	static final ReplicaCheck MISSED = new ReplicaCheck(ConsistencyOutcome.WRITER_FALLBACK, ReplayCheck.UNKNOWN_LAG);

	private final ConsistencyOutcome outcome;

	private final long lagNanos;

	private ReplicaCheck(ConsistencyOutcome outcome, long lagNanos) {
		this.outcome = outcome;
		this.lagNanos = lagNanos;
	}

	static ReplicaCheck replayed(boolean waited, long lagNanos) {
		if (lagNanos == ReplayCheck.UNKNOWN_LAG) {
			return waited ? WAITED : CHECKED;
		}
		return new ReplicaCheck(waited ? ConsistencyOutcome.REPLICA_WAITED : ConsistencyOutcome.REPLICA_CHECKED,
				lagNanos);
	}

	static ReplicaCheck missed(long lagNanos) {
		return (lagNanos == ReplayCheck.UNKNOWN_LAG) ? MISSED
				: new ReplicaCheck(ConsistencyOutcome.WRITER_FALLBACK, lagNanos);
	}

	/**
	 * Whether the replica had the write.
	 * @return {@code true} if it had
	 */
	public boolean hasReplayed() {
		return this.outcome != ConsistencyOutcome.WRITER_FALLBACK;
	}

	/**
	 * The outcome to count when the read runs where the check sent it.
	 * @return {@link ConsistencyOutcome#REPLICA_CHECKED}, {@link ConsistencyOutcome#REPLICA_WAITED}
	 * or, when it had not, {@link ConsistencyOutcome#WRITER_FALLBACK}
	 */
	public ConsistencyOutcome outcome() {
		return this.outcome;
	}

	/**
	 * The replica's lag as the last look measured it.
	 * @return the lag in nanoseconds, or {@link ReplayCheck#UNKNOWN_LAG}
	 */
	public long lagNanos() {
		return this.lagNanos;
	}

	@Override
	public String toString() {
		String lag = (this.lagNanos != ReplayCheck.UNKNOWN_LAG) ? " (lag " + this.lagNanos + " ns)" : "";
		return this.outcome.tagValue() + lag;
	}

}
