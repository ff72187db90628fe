package io.github.rwrouting.topology;

import org.jspecify.annotations.Nullable;

/**
 * A point in a cluster's replication history: where a write committed, or how far a node has
 * replayed. PostgreSQL: the timeline and the WAL position in bytes. A promotion starts a new
 * timeline that forks from the old one, so positions compare only within one timeline.
 * <p>
 * MariaDB: a {@link GtidPosition} (one GTID per domain), with the writer's {@code server_id} as the
 * timeline of a write (a failover changes it) and, as offset, the sum of the sequence numbers.
 * <p>
 * MySQL: a {@link MySqlGtidSet}, with the writer's {@code server_uuid} (hashed) as the timeline of a
 * write and, as offset, the number of transactions in the set.
 * <p>
 * The one place that decides whether a node has a write ({@link #includes(ReplicationPosition)}).
 *
 * @param timeline the timeline, or {@link #UNKNOWN_TIMELINE}
 * @param offset the position within the history (PostgreSQL: WAL bytes; MariaDB: the sum of the
 * GTID sequence numbers), or {@code -1} when unknown
 * @param gtids the GTID position (MariaDB), or {@code null}
 * @param gtidSet the GTID set (MySQL), or {@code null}
 * @author rw-routing
 */
public record ReplicationPosition(int timeline, long offset, @Nullable GtidPosition gtids,
		@Nullable MySqlGtidSet gtidSet) {

	/**
	 * A timeline that is not known.
	 */
	public static final int UNKNOWN_TIMELINE = 0;

	/**
	 * No position: the database has none (Aurora), or it could not be read.
	 */
	public static final ReplicationPosition UNKNOWN = new ReplicationPosition(UNKNOWN_TIMELINE, -1);

	/**
	 * A position that is an offset in a timeline's history (PostgreSQL).
	 * @param timeline the timeline, or {@link #UNKNOWN_TIMELINE}
	 * @param offset the position within the history, or {@code -1} when unknown
	 */
	public ReplicationPosition(int timeline, long offset) {
		this(timeline, offset, null, null);
	}

	/**
	 * A position that is an offset (PostgreSQL) or a MariaDB GTID position.
	 * @param timeline the timeline, or {@link #UNKNOWN_TIMELINE}
	 * @param offset the position within the history, or {@code -1} when unknown
	 * @param gtids the GTID position (MariaDB), or {@code null} for a position that is an offset
	 */
	public ReplicationPosition(int timeline, long offset, @Nullable GtidPosition gtids) {
		this(timeline, offset, gtids, null);
	}

	/**
	 * A GTID position (MariaDB).
	 * @param timeline the writer's {@code server_id} (of a write), or {@link #UNKNOWN_TIMELINE} (a
	 * replica's replayed position: which writer it follows is checked elsewhere)
	 * @param gtids the position
	 * @return the position
	 */
	public static ReplicationPosition ofGtids(int timeline, GtidPosition gtids) {
		return new ReplicationPosition(timeline, gtids.sequenceSum(), gtids);
	}

	/**
	 * A GTID set (MySQL).
	 * @param timeline the writer's hashed {@code server_uuid} (of a write), or
	 * {@link #UNKNOWN_TIMELINE} (a replica's executed set)
	 * @param gtidSet the set
	 * @return the position
	 */
	public static ReplicationPosition ofGtidSet(int timeline, MySqlGtidSet gtidSet) {
		return new ReplicationPosition(timeline, gtidSet.transactionCount(), null, gtidSet);
	}

	/**
	 * Whether the position is known: a GTID position or set, or both the timeline and the offset.
	 * @return {@code true} if it is
	 */
	public boolean isKnown() {
		return this.gtids != null || this.gtidSet != null || (this.timeline != UNKNOWN_TIMELINE && this.offset >= 0);
	}

	/**
	 * Whether a node that has replayed up to this position has replayed a write. Offsets: see
	 * {@link #includes(int, long)}. MariaDB GTIDs: every domain of the write reached on the write's
	 * server, at or past its sequence ({@link GtidPosition#includes}); MySQL GTID sets: a subset
	 * ({@link MySqlGtidSet#includes}). The timeline (the writer that made the write) is not compared
	 * here, as a replica's position does not say which writer it follows: a write of an earlier
	 * writer is kept from replicas before any node is asked (its timeline differs from the current
	 * writer's).
	 * @param write the write's commit position
	 * @return {@code true} only if the write is known to be replayed
	 */
	public boolean includes(ReplicationPosition write) {
		GtidPosition writeGtids = write.gtids;
		if (writeGtids != null) {
			GtidPosition mine = this.gtids;
			return mine != null && mine.includes(writeGtids);
		}
		MySqlGtidSet writeSet = write.gtidSet;
		if (writeSet != null) {
			MySqlGtidSet mine = this.gtidSet;
			return mine != null && mine.includes(writeSet);
		}
		return includes(write.timeline, write.offset);
	}

	/**
	 * Whether a node that has replayed up to this position has replayed a write: on the same
	 * timeline, at or past it. A node on another timeline is never taken to have it: on an older
	 * one it cannot have a newer timeline's writes, and whether a newer one contains an older
	 * timeline's position depends on where it forked, which is not known here. A GTID position or set
	 * never includes a bare offset: its GTIDs must be compared ({@link #includes(ReplicationPosition)}).
	 * @param timeline the write's timeline
	 * @param offset the write's commit position
	 * @return {@code true} only if the write is known to be replayed
	 */
	public boolean includes(int timeline, long offset) {
		return this.gtids == null && this.gtidSet == null && isKnown() && offset >= 0 && timeline == this.timeline && this.offset >= offset;
	}

}
