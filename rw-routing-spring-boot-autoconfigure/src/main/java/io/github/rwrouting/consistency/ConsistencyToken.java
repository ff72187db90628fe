package io.github.rwrouting.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MySqlGtidSet;
import io.github.rwrouting.topology.ReplicationPosition;
import org.jspecify.annotations.Nullable;

/**
 * A client's read-after-write marker: for each database cluster it wrote to, the commit position of
 * its newest write. A read may run on a replica only once that replica has replayed the position.
 * Tokens are immutable, only move forward when merged, and expire. A token holds at most
 * {@value #MAX_ENTRIES} entries: past that, the entries of the clusters written longest ago are
 * dropped, so that a client's newest writes always travel.
 *
 * @author rw-routing
 */
public final class ConsistencyToken {

	/**
	 * The cluster id of an entry that applies to any cluster: a write whose cluster could not be
	 * read. Such an entry is checked by commit time.
	 */
	public static final long ANY_CLUSTER = 0;

	/**
	 * The most clusters a token speaks of.
	 */
	public static final int MAX_ENTRIES = 16;

	/**
	 * The largest MySQL GTID set an entry carries, in encoded bytes (about seven source UUIDs of one
	 * interval each): past it the entry keeps {@link Entry#NO_REPLICA_POSITION no replica position},
	 * and the writer serves the token's reads of that cluster until the token expires. Not the
	 * commit time: MySQL's lag is measured by counting transactions, which a replica that applies
	 * out of commit order ({@code replica_preserve_commit_order=OFF}) passes while it still misses
	 * an earlier one.
	 */
	public static final int MAX_GTID_SET_BYTES = 256;

	private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong(Entry::commitTimeMillis).reversed();

	private final List<Entry> entries;

	private final long expiresAtMillis;

	/**
	 * Create a token.
	 * @param entries one entry per cluster; of more than {@value #MAX_ENTRIES}, the newest are kept
	 * @param expiresAtMillis when the token stops counting, in epoch milliseconds
	 */
	public ConsistencyToken(List<Entry> entries, long expiresAtMillis) {
		this.entries = (entries.size() <= MAX_ENTRIES) ? List.copyOf(entries) : newest(entries);
		this.expiresAtMillis = expiresAtMillis;
	}

	private static List<Entry> newest(List<Entry> entries) {
		List<Entry> sorted = new ArrayList<>(entries);
		sorted.sort(NEWEST_FIRST);
		return List.copyOf(sorted.subList(0, MAX_ENTRIES));
	}

	/**
	 * The entries, one per cluster.
	 * @return the entries
	 */
	public List<Entry> entries() {
		return this.entries;
	}

	/**
	 * When the token stops counting.
	 * @return epoch milliseconds
	 */
	public long expiresAtMillis() {
		return this.expiresAtMillis;
	}

	/**
	 * This token, expiring no later than a given time: a token signed elsewhere (with a longer
	 * {@code ttl}) never lives longer here than this process's {@code ttl}.
	 * @param latestMillis the latest expiry allowed, in epoch milliseconds
	 * @return this token if it already expires by then, else a copy that does
	 */
	public ConsistencyToken expiringBy(long latestMillis) {
		return (this.expiresAtMillis <= latestMillis) ? this : new ConsistencyToken(this.entries, latestMillis);
	}

	/**
	 * Whether the token has expired.
	 * @param nowMillis the current time in epoch milliseconds
	 * @return {@code true} if it has
	 */
	public boolean isExpired(long nowMillis) {
		return nowMillis >= this.expiresAtMillis;
	}

	/**
	 * The entry for a cluster, else an entry that applies to any cluster.
	 * @param clusterId the cluster's identity
	 * @return the entry, or {@code null} if the token says nothing about that cluster
	 */
	public @Nullable Entry entryFor(long clusterId) {
		Entry any = null;
		for (Entry entry : this.entries) {
			if (entry.clusterId() == clusterId) {
				return entry;
			}
			if (entry.clusterId() == ANY_CLUSTER) {
				any = entry;
			}
		}
		return any;
	}

	private @Nullable Entry exactEntryFor(long clusterId) {
		for (Entry entry : this.entries) {
			if (entry.clusterId() == clusterId) {
				return entry;
			}
		}
		return null;
	}

	/**
	 * This token advanced by a write: the newest position per cluster, and the later expiry.
	 * @param entry the write's commit position
	 * @param expiresAtMillis the expiry the write gives the token
	 * @return the advanced token
	 */
	public ConsistencyToken advance(Entry entry, long expiresAtMillis) {
		return merge(new ConsistencyToken(List.of(entry), expiresAtMillis));
	}

	/**
	 * Merge two tokens: per cluster the newer entry (GTID positions of the same writer: domain by
	 * domain the newer), and the later expiry.
	 * @param other another token, or {@code null}
	 * @return the merged token
	 */
	public ConsistencyToken merge(@Nullable ConsistencyToken other) {
		if (other == null || other == this) {
			return this;
		}
		List<Entry> merged = new ArrayList<>(this.entries);
		for (Entry entry : other.entries) {
			Entry existing = exactEntryFor(entry.clusterId());
			if (existing == null) {
				merged.add(entry);
			}
			else {
				Entry newer = existing.mergedWith(entry);
				if (newer != existing) {
					merged.set(merged.indexOf(existing), newer);
				}
			}
		}
		return new ConsistencyToken(merged, Math.max(this.expiresAtMillis, other.expiresAtMillis));
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ConsistencyToken token && token.entries.equals(this.entries)
				&& token.expiresAtMillis == this.expiresAtMillis;
	}

	@Override
	public int hashCode() {
		return this.entries.hashCode() * 31 + Long.hashCode(this.expiresAtMillis);
	}

	@Override
	public String toString() {
		return "ConsistencyToken" + this.entries;
	}

	/**
	 * The newest write a client made to one cluster.
	 *
	 * @param clusterId the cluster's identity (PostgreSQL: the system identifier)
	 * @param timeline the writer's timeline when the write committed: a promotion starts a new one
	 * (MariaDB: the writer's {@code server_id})
	 * @param position the commit position (PostgreSQL: WAL bytes; MariaDB: the sum of the GTID
	 * sequence numbers), or {@code -1} when unknown
	 * @param commitTimeMillis when the write committed, in epoch milliseconds
	 * @param gtids the commit position as GTIDs (MariaDB), or {@code null}
	 * @param gtidSet the commit position as a GTID set (MySQL; {@code position} is then the number
	 * of its transactions), or {@code null}
	 */
	public record Entry(long clusterId, int timeline, long position, long commitTimeMillis,
			@Nullable GtidPosition gtids, @Nullable MySqlGtidSet gtidSet) {

		/**
		 * The position of a write that no replica can be trusted with (its GTID set is too large
		 * for a token): its reads go to the writer until the token expires. Earlier versions read
		 * it as an unknown position (commit time only).
		 */
		public static final long NO_REPLICA_POSITION = -2;

		/**
		 * An entry whose position is an offset (PostgreSQL), or unknown.
		 * @param clusterId the cluster's identity
		 * @param timeline the writer's timeline when the write committed
		 * @param position the commit position, or {@code -1} when unknown
		 * @param commitTimeMillis when the write committed, in epoch milliseconds
		 */
		public Entry(long clusterId, int timeline, long position, long commitTimeMillis) {
			this(clusterId, timeline, position, commitTimeMillis, null, null);
		}

		/**
		 * An entry whose position is an offset or a MariaDB GTID position.
		 * @param clusterId the cluster's identity
		 * @param timeline the writer's timeline when the write committed
		 * @param position the commit position, or {@code -1} when unknown
		 * @param commitTimeMillis when the write committed, in epoch milliseconds
		 * @param gtids the commit position as GTIDs (MariaDB), or {@code null}
		 */
		public Entry(long clusterId, int timeline, long position, long commitTimeMillis,
				@Nullable GtidPosition gtids) {
			this(clusterId, timeline, position, commitTimeMillis, gtids, null);
		}

		/**
		 * An entry for a write at a commit position.
		 * @param clusterId the cluster's identity
		 * @param position the commit position with its timeline
		 * @param commitTimeMillis when the write committed, in epoch milliseconds
		 * @return the entry
		 */
		public static Entry of(long clusterId, ReplicationPosition position, long commitTimeMillis) {
			MySqlGtidSet gtidSet = position.gtidSet();
			if (gtidSet != null) {
				return ofGtidSet(clusterId, position.timeline(), gtidSet, commitTimeMillis);
			}
			return new Entry(clusterId, position.timeline(), position.offset(), commitTimeMillis, position.gtids());
		}

		/**
		 * An entry for a write at a MySQL GTID set; with {@link #NO_REPLICA_POSITION} when the set
		 * is larger than {@value #MAX_GTID_SET_BYTES} bytes.
		 */
		private static Entry ofGtidSet(long clusterId, int timeline, MySqlGtidSet gtidSet, long commitTimeMillis) {
			if (gtidSet.encodedBytes() > MAX_GTID_SET_BYTES) {
				return new Entry(clusterId, timeline, NO_REPLICA_POSITION, commitTimeMillis);
			}
			return new Entry(clusterId, timeline, gtidSet.transactionCount(), commitTimeMillis, null, gtidSet);
		}

		/**
		 * Whether no replica can be trusted with the write, however far it replayed.
		 * @return {@code true} if its reads go to the writer until the token expires
		 */
		public boolean hasNoReplicaPosition() {
			return this.position == NO_REPLICA_POSITION && this.gtids == null && this.gtidSet == null;
		}

		/**
		 * The write's commit position.
		 * @return the position with its timeline
		 */
		public ReplicationPosition replicationPosition() {
			return new ReplicationPosition(this.timeline, this.position, this.gtids, this.gtidSet);
		}

		/**
		 * The entry that stands for both writes to the same cluster: GTID positions of the same
		 * writer merged domain by domain (a client that wrote in two domains needs both), GTID sets
		 * joined, of any writer (a set never aliases another's writes; the newer write's writer
		 * stays; {@link #NO_REPLICA_POSITION} past {@value #MAX_GTID_SET_BYTES} bytes), an entry
		 * with no replica position kept so (it may stand for a write the other does not hold), else
		 * the newer one.
		 */
		Entry mergedWith(Entry other) {
			MySqlGtidSet mySet = this.gtidSet;
			MySqlGtidSet theirSet = other.gtidSet;
			if (mySet != null && theirSet != null) {
				MySqlGtidSet both = mySet.union(theirSet);
				long commitTime = Math.max(this.commitTimeMillis, other.commitTimeMillis);
				int timeline = other.isNewerThan(this) ? other.timeline : this.timeline;
				if (both == mySet && commitTime == this.commitTimeMillis && timeline == this.timeline) {
					return this;
				}
				return ofGtidSet(this.clusterId, timeline, both, commitTime);
			}
			if (hasNoReplicaPosition() || other.hasNoReplicaPosition()) {
				// The later commit's writer; no order of timelines is assumed (MySQL's are hashes).
				Entry later = (other.commitTimeMillis > this.commitTimeMillis) ? other : this;
				return later.hasNoReplicaPosition() ? later
						: new Entry(this.clusterId, later.timeline, NO_REPLICA_POSITION, later.commitTimeMillis);
			}
			GtidPosition mine = this.gtids;
			GtidPosition theirs = other.gtids;
			if (mine != null && theirs != null && this.timeline == other.timeline) {
				GtidPosition both;
				try {
					both = mine.merge(theirs);
				}
				catch (IllegalArgumentException ex) {
					// More domains than a token carries: the newer write alone (its older domains are
					// then checked by nothing, a rare case a client with that many domains accepts).
					return other.isNewerThan(this) ? other : this;
				}
				long commitTime = Math.max(this.commitTimeMillis, other.commitTimeMillis);
				if (both.equals(mine) && commitTime == this.commitTimeMillis) {
					return this;
				}
				return new Entry(this.clusterId, this.timeline, both.sequenceSum(), commitTime, both);
			}
			return other.isNewerThan(this) ? other : this;
		}

		boolean isNewerThan(Entry other) {
			if (this.gtids != null || other.gtids != null || this.gtidSet != null || other.gtidSet != null) {
				// Server ids and uuids (MariaDB's and MySQL's timelines) have no order, and positions
				// of different writers do not compare: the later commit wins.
				return this.commitTimeMillis > other.commitTimeMillis;
			}
			if (this.timeline != other.timeline) {
				return this.timeline > other.timeline;
			}
			if (this.position != other.position && this.position >= 0 && other.position >= 0) {
				return this.position > other.position;
			}
			return this.commitTimeMillis > other.commitTimeMillis
					|| (this.commitTimeMillis == other.commitTimeMillis && this.position < 0 && other.position >= 0);
		}

	}

}
