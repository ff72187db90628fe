package io.github.rwrouting.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A MySQL GTID set, as in {@code @@gtid_executed}: per source {@code server_uuid}, the transaction
 * numbers as intervals ({@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100:200-300,5c2a...:1-7}).
 * A transaction's GTID names the server that wrote it, so a set never aliases another server's
 * writes, before or after a failover: inclusion is exact ({@code GTID_SUBSET}). Immutable; sources in
 * ascending order, each with sorted, disjoint, non-adjacent intervals.
 *
 * @author rw-routing
 */
public final class MySqlGtidSet {

	private static final int UUID_LENGTH = 36;

	private final UUID[] sources;

	// Per source: start and end (inclusive) of each interval, in pairs.
	private final long[][] intervals;

	private MySqlGtidSet(UUID[] sources, long[][] intervals) {
		this.sources = sources;
		this.intervals = intervals;
	}

	/**
	 * Parse a set as MySQL prints it (commas, optionally followed by a line break, between sources).
	 * @param value the set, or an empty string
	 * @return the set, or {@code null} when it is empty or malformed, or uses GTID tags (MySQL 8.3
	 * and later: {@code uuid:tag:1-5}), which are not supported (the write is then checked by commit
	 * time only, the safe direction)
	 */
	public static @Nullable MySqlGtidSet parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Map<UUID, List<long[]>> sources = new TreeMap<>();
		try {
			for (String source : value.split(",")) {
				String[] parts = source.trim().split(":");
				if (parts.length < 2 || parts[0].length() != UUID_LENGTH) {
					return null;
				}
				List<long[]> ranges = sources.computeIfAbsent(UUID.fromString(parts[0]), (uuid) -> new ArrayList<>());
				for (int i = 1; i < parts.length; i++) {
					int dash = parts[i].indexOf('-');
					long start = Long.parseLong((dash < 0) ? parts[i] : parts[i].substring(0, dash));
					long end = (dash < 0) ? start : Long.parseLong(parts[i].substring(dash + 1));
					if (start < 1 || end < start) {
						return null;
					}
					ranges.add(new long[] { start, end });
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// Not a number (a tag), not a UUID.
			return null;
		}
		return of(sources);
	}

	private static MySqlGtidSet of(Map<UUID, List<long[]>> sources) {
		UUID[] uuids = sources.keySet().toArray(new UUID[0]);
		long[][] intervals = new long[uuids.length][];
		for (int i = 0; i < uuids.length; i++) {
			intervals[i] = normalized(sources.get(uuids[i]));
		}
		return new MySqlGtidSet(uuids, intervals);
	}

	private static long[] normalized(List<long[]> ranges) {
		ranges.sort((a, b) -> Long.compare(a[0], b[0]));
		long[] result = new long[ranges.size() * 2];
		int n = 0;
		for (long[] range : ranges) {
			if (n > 0 && range[0] - 1 <= result[n - 1]) {
				result[n - 1] = Math.max(result[n - 1], range[1]);
			}
			else {
				result[n++] = range[0];
				result[n++] = range[1];
			}
		}
		return Arrays.copyOf(result, n);
	}

	/**
	 * Whether a node whose executed set is this one has every transaction of {@code write}.
	 * @param write the write's set
	 * @return {@code true} if {@code write} is a subset of this set
	 */
	public boolean includes(MySqlGtidSet write) {
		int mine = 0;
		for (int i = 0; i < write.sources.length; i++) {
			while (mine < this.sources.length && this.sources[mine].compareTo(write.sources[i]) < 0) {
				mine++;
			}
			if (mine == this.sources.length || !this.sources[mine].equals(write.sources[i])
					|| !covers(this.intervals[mine], write.intervals[i])) {
				return false;
			}
		}
		return true;
	}

	// Both normalized: each interval of the write must lie within one of mine.
	private static boolean covers(long[] mine, long[] theirs) {
		int j = 0;
		for (int i = 0; i < theirs.length; i += 2) {
			while (j < mine.length && mine[j + 1] < theirs[i]) {
				j += 2;
			}
			if (j == mine.length || mine[j] > theirs[i] || mine[j + 1] < theirs[i + 1]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The union of both sets: what a token holds after two writes (never moves backwards, never
	 * drops a source).
	 * @param other another set
	 * @return the union ({@code this} when it already includes {@code other})
	 */
	public MySqlGtidSet union(MySqlGtidSet other) {
		if (includes(other)) {
			return this;
		}
		Map<UUID, List<long[]>> sources = new TreeMap<>();
		for (MySqlGtidSet set : new MySqlGtidSet[] { this, other }) {
			for (int i = 0; i < set.sources.length; i++) {
				List<long[]> ranges = sources.computeIfAbsent(set.sources[i], (uuid) -> new ArrayList<>());
				for (int k = 0; k < set.intervals[i].length; k += 2) {
					ranges.add(new long[] { set.intervals[i][k], set.intervals[i][k + 1] });
				}
			}
		}
		return of(sources);
	}

	/**
	 * How many transactions the set holds: grows with every transaction a node applies, so that the
	 * monitor's writer history can turn it into a lag in time.
	 * @return the count, at most {@link Long#MAX_VALUE}
	 */
	public long transactionCount() {
		long count = 0;
		for (long[] ranges : this.intervals) {
			for (int k = 0; k < ranges.length; k += 2) {
				long size = ranges[k + 1] - ranges[k] + 1;
				count = (count > Long.MAX_VALUE - size) ? Long.MAX_VALUE : count + size;
			}
		}
		return count;
	}

	/**
	 * How many bytes {@link #writeTo(ByteBuffer)} writes.
	 * @return the size
	 */
	public int encodedBytes() {
		int bytes = Short.BYTES;
		for (long[] ranges : this.intervals) {
			bytes += 2 * Long.BYTES + Short.BYTES + ranges.length * Long.BYTES;
		}
		return bytes;
	}

	/**
	 * Write the set: the number of sources, then per source its UUID, its number of intervals and
	 * each interval's start and end.
	 * @param buffer where to write it
	 */
	public void writeTo(ByteBuffer buffer) {
		buffer.putShort((short) this.sources.length);
		for (int i = 0; i < this.sources.length; i++) {
			buffer.putLong(this.sources[i].getMostSignificantBits());
			buffer.putLong(this.sources[i].getLeastSignificantBits());
			buffer.putShort((short) (this.intervals[i].length / 2));
			for (long bound : this.intervals[i]) {
				buffer.putLong(bound);
			}
		}
	}

	/**
	 * Read a set as {@link #writeTo(ByteBuffer)} wrote it.
	 * @param buffer where to read it
	 * @return the set
	 * @throws IllegalArgumentException if the bytes are not a set so written (too short, empty,
	 * sources out of order, intervals unsorted, overlapping or adjacent)
	 */
	public static MySqlGtidSet readFrom(ByteBuffer buffer) {
		int count = readCount(buffer);
		UUID[] sources = new UUID[count];
		long[][] intervals = new long[count][];
		for (int i = 0; i < count; i++) {
			require(buffer, 2 * Long.BYTES);
			sources[i] = new UUID(buffer.getLong(), buffer.getLong());
			if (i > 0 && sources[i - 1].compareTo(sources[i]) >= 0) {
				throw new IllegalArgumentException("GTID set sources out of order");
			}
			int ranges = readCount(buffer);
			require(buffer, ranges * 2 * Long.BYTES);
			intervals[i] = new long[ranges * 2];
			for (int k = 0; k < intervals[i].length; k += 2) {
				long start = buffer.getLong();
				long end = buffer.getLong();
				if (start < 1 || end < start || (k > 0 && start - 1 <= intervals[i][k - 1])) {
					throw new IllegalArgumentException("GTID set intervals out of order");
				}
				intervals[i][k] = start;
				intervals[i][k + 1] = end;
			}
		}
		return new MySqlGtidSet(sources, intervals);
	}

	private static int readCount(ByteBuffer buffer) {
		require(buffer, Short.BYTES);
		int count = buffer.getShort();
		if (count <= 0) {
			throw new IllegalArgumentException("Empty GTID set");
		}
		return count;
	}

	private static void require(ByteBuffer buffer, int bytes) {
		if (buffer.remaining() < bytes) {
			throw new IllegalArgumentException("GTID set truncated");
		}
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof MySqlGtidSet set && Arrays.equals(set.sources, this.sources)
				&& Arrays.deepEquals(set.intervals, this.intervals);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.sources) * 31 + Arrays.deepHashCode(this.intervals);
	}

	/**
	 * The set as MySQL prints it, without line breaks.
	 * @return {@code uuid:start-end:...} per source, separated by commas
	 */
	@Override
	public String toString() {
		StringBuilder result = new StringBuilder();
		for (int i = 0; i < this.sources.length; i++) {
			if (i > 0) {
				result.append(',');
			}
			result.append(this.sources[i]);
			for (int k = 0; k < this.intervals[i].length; k += 2) {
				result.append(':').append(this.intervals[i][k]);
				if (this.intervals[i][k + 1] != this.intervals[i][k]) {
					result.append('-').append(this.intervals[i][k + 1]);
				}
			}
		}
		return result.toString();
	}

}
