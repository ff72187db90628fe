package io.github.rwrouting.topology;

/**
 * A point in a cluster's replication history: where a write committed, or how far a node has
 * replayed. PostgreSQL: the timeline and the WAL position in bytes. A promotion starts a new
 * timeline that forks from the old one, so positions compare only within one timeline.
 * <p>
 * The one place that decides whether a node has a write ({@link #includes}); a database whose
 * positions are sets (MySQL/MariaDB GTIDs) decides it here too.
 *
 * @param timeline the timeline, or {@link #UNKNOWN_TIMELINE}
 * @param offset the position within the history (PostgreSQL: WAL bytes), or {@code -1} when unknown
 * @author rw-routing
 */
public record ReplicationPosition(int timeline, long offset) {

	/**
	 * A timeline that is not known.
	 */
	public static final int UNKNOWN_TIMELINE = 0;

	/**
	 * No position: the database has none (Aurora), or it could not be read.
	 */
	public static final ReplicationPosition UNKNOWN = new ReplicationPosition(UNKNOWN_TIMELINE, -1);

	/**
	 * Whether both the timeline and the offset are known.
	 * @return {@code true} if they are
	 */
	public boolean isKnown() {
		return this.timeline != UNKNOWN_TIMELINE && this.offset >= 0;
	}

	/**
	 * Whether a node that has replayed up to this position has replayed a write: on the same
	 * timeline, at or past it. A node on another timeline is never taken to have it: on an older
	 * one it cannot have a newer timeline's writes, and whether a newer one contains an older
	 * timeline's position depends on where it forked, which is not known here.
	 * @param timeline the write's timeline
	 * @param offset the write's commit position
	 * @return {@code true} only if the write is known to be replayed
	 */
	public boolean includes(int timeline, long offset) {
		return isKnown() && offset >= 0 && timeline == this.timeline && this.offset >= offset;
	}

}
