package io.github.rwrouting.topology;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A MariaDB GTID position: per replication domain, the newest GTID ({@code domain-server-sequence},
 * as in {@code @@gtid_binlog_pos} or {@code @@gtid_slave_pos}: {@code 0-1-7,1-1-3}). Within a domain
 * the sequence grows whichever server wrote ({@code gtid_strict_mode}); domains are independent
 * streams. Immutable; domains are kept in ascending order.
 *
 * @author rw-routing
 */
public final class GtidPosition {

	/**
	 * The most domains a position may have: more are not parsed. A write's position is then unknown,
	 * and its reads go to the writer: not its commit time, as MariaDB's lag comes from the sum of
	 * the sequence numbers across domains, which a replica applying domains out of order with each
	 * other reaches while still missing an earlier write (see
	 * {@link DatabaseDialect#trustsCommitTime()}).
	 */
	public static final int MAX_DOMAINS = 16;

	private final long[] domains;

	private final long[] servers;

	private final long[] sequences;

	private GtidPosition(long[] domains, long[] servers, long[] sequences) {
		this.domains = domains;
		this.servers = servers;
		this.sequences = sequences;
	}

	/**
	 * A position from its parts, one GTID per domain.
	 * @param domains the domain ids, each at most once
	 * @param servers the server ids of each domain's newest GTID
	 * @param sequences each domain's newest sequence number
	 * @return the position
	 * @throws IllegalArgumentException if the parts differ in length, a domain repeats, a value is
	 * negative or out of range, or there are more than {@value #MAX_DOMAINS} domains
	 */
	public static GtidPosition of(long[] domains, long[] servers, long[] sequences) {
		int count = domains.length;
		if (count == 0 || count > MAX_DOMAINS || servers.length != count || sequences.length != count) {
			throw new IllegalArgumentException("A GTID position needs 1 to " + MAX_DOMAINS + " domains");
		}
		Integer[] order = new Integer[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
			if (!isUnsigned32(domains[i]) || !isUnsigned32(servers[i]) || sequences[i] < 0) {
				throw new IllegalArgumentException("GTID parts out of range");
			}
		}
		Arrays.sort(order, (a, b) -> Long.compare(domains[a], domains[b]));
		long[] d = new long[count];
		long[] s = new long[count];
		long[] q = new long[count];
		for (int i = 0; i < count; i++) {
			d[i] = domains[order[i]];
			s[i] = servers[order[i]];
			q[i] = sequences[order[i]];
			if (i > 0 && d[i] == d[i - 1]) {
				throw new IllegalArgumentException("Domain " + d[i] + " appears twice");
			}
		}
		return new GtidPosition(d, s, q);
	}

	/**
	 * Parse a position as MariaDB prints it.
	 * @param value {@code domain-server-sequence} GTIDs separated by commas, or an empty string
	 * @return the position, or {@code null} when the value is empty, malformed or has more than
	 * {@value #MAX_DOMAINS} domains
	 */
	public static @Nullable GtidPosition parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String[] gtids = value.split(",");
		if (gtids.length > MAX_DOMAINS) {
			return null;
		}
		long[] domains = new long[gtids.length];
		long[] servers = new long[gtids.length];
		long[] sequences = new long[gtids.length];
		try {
			for (int i = 0; i < gtids.length; i++) {
				String[] parts = gtids[i].trim().split("-");
				if (parts.length != 3) {
					return null;
				}
				domains[i] = Long.parseLong(parts[0]);
				servers[i] = Long.parseLong(parts[1]);
				sequences[i] = Long.parseLong(parts[2]);
			}
			return of(domains, servers, sequences);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static boolean isUnsigned32(long value) {
		return value >= 0 && value <= 0xFFFF_FFFFL;
	}

	/**
	 * Whether a node at this position has a write at {@code write}: in every domain of the write,
	 * the node's newest GTID comes from the same server, at or past the write's sequence.
	 * <p>
	 * Sequence numbers alone are not enough: after a failover that lost writes, the promoted
	 * replica continues the domain's sequence under its own server id, so one number stands for
	 * two transactions (a replica left at {@code 0-1-105} on the old writer's lost history never got
	 * the new writer's {@code 0-2-103}; {@code MASTER_GTID_WAIT} would answer it has). Within one
	 * server's GTIDs of a domain there is no such doubt: a server gives its own transactions
	 * growing numbers, and a replica applies a domain in its binary log order, so a node whose
	 * newest GTID of the domain is that server's at or past the write's sequence has the write.
	 * A newest GTID from another server may or may not follow the write (that server may have
	 * taken over before the write reached it): taken as not included. That only sends the read to
	 * the writer, and a node's newest GTID comes from another server than the current writer only
	 * around a failover, when the write's timeline sends its reads to the writer anyway.
	 * @param write the write's position
	 * @return {@code true} if every domain of the write is reached on the write's server
	 */
	public boolean includes(GtidPosition write) {
		int mine = 0;
		for (int i = 0; i < write.domains.length; i++) {
			long domain = write.domains[i];
			while (mine < this.domains.length && this.domains[mine] < domain) {
				mine++;
			}
			if (mine == this.domains.length || this.domains[mine] != domain
					|| this.servers[mine] != write.servers[i] || this.sequences[mine] < write.sequences[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The position that includes both: per domain the higher sequence, the domains of both kept.
	 * Never moves a domain backwards, never drops one. It includes both only where both positions'
	 * GTIDs of a domain come from one server (as for two writes of one writer, the only ones a token
	 * merges): of two servers' GTIDs the higher sequence's is kept, and it does not include the other.
	 * @param other another position
	 * @return the merged position ({@code this} when it already includes {@code other})
	 */
	public GtidPosition merge(GtidPosition other) {
		if (includes(other) && this.domains.length >= other.domains.length) {
			return this;
		}
		if (other.includes(this) && other.domains.length >= this.domains.length) {
			return other;
		}
		long[] d = new long[this.domains.length + other.domains.length];
		long[] s = new long[d.length];
		long[] q = new long[d.length];
		int i = 0;
		int j = 0;
		int n = 0;
		while (i < this.domains.length || j < other.domains.length) {
			boolean takeMine = j == other.domains.length
					|| (i < this.domains.length && this.domains[i] < other.domains[j]);
			boolean takeOther = i == this.domains.length
					|| (j < other.domains.length && other.domains[j] < this.domains[i]);
			if (takeMine) {
				d[n] = this.domains[i];
				s[n] = this.servers[i];
				q[n++] = this.sequences[i++];
			}
			else if (takeOther) {
				d[n] = other.domains[j];
				s[n] = other.servers[j];
				q[n++] = other.sequences[j++];
			}
			else {
				boolean mineNewer = this.sequences[i] >= other.sequences[j];
				d[n] = this.domains[i];
				s[n] = mineNewer ? this.servers[i] : other.servers[j];
				q[n++] = mineNewer ? this.sequences[i] : other.sequences[j];
				i++;
				j++;
			}
		}
		if (n > MAX_DOMAINS) {
			throw new IllegalArgumentException("A merged GTID position would have more than " + MAX_DOMAINS
					+ " domains");
		}
		return new GtidPosition(Arrays.copyOf(d, n), Arrays.copyOf(s, n), Arrays.copyOf(q, n));
	}

	/**
	 * The sum of the sequence numbers over the domains: grows with every transaction a node applies,
	 * so that the monitor's writer history can turn it into a lag in time.
	 * @return the sum
	 */
	public long sequenceSum() {
		long sum = 0;
		for (long sequence : this.sequences) {
			sum += sequence;
		}
		return sum;
	}

	/**
	 * How many domains the position has.
	 * @return the count
	 */
	public int size() {
		return this.domains.length;
	}

	/**
	 * A domain id.
	 * @param index the domain's index, in ascending order of ids
	 * @return the domain id
	 */
	public long domain(int index) {
		return this.domains[index];
	}

	/**
	 * The server id of a domain's newest GTID.
	 * @param index the domain's index
	 * @return the server id
	 */
	public long server(int index) {
		return this.servers[index];
	}

	/**
	 * The sequence number of a domain's newest GTID.
	 * @param index the domain's index
	 * @return the sequence number
	 */
	public long sequence(int index) {
		return this.sequences[index];
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof GtidPosition position && Arrays.equals(position.domains, this.domains)
				&& Arrays.equals(position.servers, this.servers) && Arrays.equals(position.sequences, this.sequences);
	}

	@Override
	public int hashCode() {
		return (Arrays.hashCode(this.domains) * 31 + Arrays.hashCode(this.servers)) * 31
				+ Arrays.hashCode(this.sequences);
	}

	/**
	 * The position as MariaDB prints it.
	 * @return {@code domain-server-sequence} GTIDs separated by commas
	 */
	@Override
	public String toString() {
		StringBuilder result = new StringBuilder();
		for (int i = 0; i < this.domains.length; i++) {
			if (i > 0) {
				result.append(',');
			}
			result.append(this.domains[i]).append('-').append(this.servers[i]).append('-').append(this.sequences[i]);
		}
		return result.toString();
	}

}
