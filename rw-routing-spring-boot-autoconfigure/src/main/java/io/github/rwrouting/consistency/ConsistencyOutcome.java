package io.github.rwrouting.consistency;

/**
 * What happened to a token or to a read that carried one. The {@link #tagValue() tag value} is what
 * metrics show.
 *
 * @author rw-routing
 */
public enum ConsistencyOutcome {

	/**
	 * The monitor already knew a replica had replayed the token's position: no extra round trip.
	 */
	REPLICA_CAUGHT_UP("replica-caught-up"),

	/**
	 * The replica was checked on the borrowed connection and had replayed the position.
	 */
	REPLICA_CHECKED("replica-checked"),

	/**
	 * The replica caught up while the read waited (at most {@code max-wait}).
	 */
	REPLICA_WAITED("replica-waited"),

	/**
	 * No replica caught up in time: the read ran on the writer.
	 */
	WRITER_FALLBACK("writer-fallback"),

	/**
	 * The replica was not known to have replayed the write, and at its measured lag would not within
	 * {@code max-wait} (or the write has no position to ask about): the read ran on the writer at
	 * once, without asking the replica.
	 */
	WRITER_REPLICA_BEHIND("writer-replica-behind"),

	/**
	 * The token was written on an earlier timeline (before a failover): the read ran on the writer.
	 */
	WRITER_STALE_TIMELINE("writer-stale-timeline"),

	/**
	 * The cluster's identity was not known yet (the monitor had not reached the writer, or without a
	 * monitor this process had not written yet), so which of the token's entries applies was not
	 * known: the read ran on the writer.
	 */
	WRITER_UNKNOWN_CLUSTER("writer-unknown-cluster"),

	/**
	 * In time-window mode, the read came within the window after a write: it ran on the writer.
	 */
	WRITER_TIME_WINDOW("writer-time-window"),

	/**
	 * A commit position was captured after a write.
	 */
	CAPTURED("captured"),

	/**
	 * The commit position could not be read after a write: the token carries the commit time only.
	 */
	CAPTURE_FAILED("capture-failed"),

	/**
	 * A read that may go to a reader (a read-only transaction, or a plain read outside a transaction
	 * in {@code auto} mode) had no token in its scope: it went where the routing policy sent it,
	 * without a consistency check. Also what the codec answers for a request without a token.
	 */
	NO_TOKEN("no-token"),

	/**
	 * A token was malformed, forged or altered: ignored.
	 */
	TOKEN_INVALID("token-invalid"),

	/**
	 * A token had expired: ignored.
	 */
	TOKEN_EXPIRED("token-expired"),

	/**
	 * A token spoke only of other clusters: ignored for routing here, kept and passed on.
	 */
	TOKEN_FOREIGN("token-foreign");

	private final String tagValue;

	ConsistencyOutcome(String tagValue) {
		this.tagValue = tagValue;
	}

	/**
	 * The value used for the {@code outcome} tag of consistency metrics.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
