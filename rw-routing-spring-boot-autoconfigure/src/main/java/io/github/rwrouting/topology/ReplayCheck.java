package io.github.rwrouting.topology;

/**
 * What one check of a replica found, in one round trip: the position it has replayed and, where the
 * database tells, how far behind it was then.
 * <p>
 * The lag is the time since the commit of the last transaction the replica replayed, as the
 * replica saw it (PostgreSQL: {@code now() - pg_last_xact_replay_timestamp()}). A replica found
 * without a write has replayed every commit up to that one and none after it, so "now less this
 * lag" is how far it had replayed, in commit time. It is an upper bound of the replica's real lag:
 * when the primary committed nothing for a while before the write, the replica may have replayed
 * all of that quiet time too, and the lag reads longer than it is. Taken as the lag the replica
 * keeps, it never makes the next check come too early, only possibly late.
 *
 * @param position the replayed position with its timeline, or {@link ReplicationPosition#UNKNOWN}
 * @param lagNanos the time since the last replayed commit, or {@link #UNKNOWN_LAG}
 * @author rw-routing
 */
public record ReplayCheck(ReplicationPosition position, long lagNanos) {

	/**
	 * The lag of a replica that does not tell it (or has replayed nothing since it started).
	 */
	public static final long UNKNOWN_LAG = -1;

	/**
	 * A check that found nothing: no position, no lag.
	 */
	public static final ReplayCheck UNKNOWN = new ReplayCheck(ReplicationPosition.UNKNOWN, UNKNOWN_LAG);

	/**
	 * Whether the database told the lag.
	 * @return {@code true} if it did
	 */
	public boolean isLagKnown() {
		return this.lagNanos >= 0;
	}

}
