package io.github.rwrouting.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A MySQL GTID set, as in {@code @@gtid_executed}: per source {@code server_uuid}, the transaction
 * numbers as intervals ({@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100:200-300,5c2a...:1-7}).
 * A transaction's GTID names the server that wrote it, so a set never aliases another server's
 * writes, before or after a failover: inclusion is exact ({@code GTID_SUBSET}).
 * <p>
 * MySQL 8.3 and later also know tagged GTIDs ({@code uuid:tag:number}, from
 * {@code gtid_next = 'AUTOMATIC:tag'}): a tag is a letter or an underscore followed by up to 31
 * letters, digits or underscores, case-insensitive (MySQL prints it in lower case), and a tagged
 * GTID is another transaction than the untagged one of the same uuid and number (MySQL keys its
 * sets by uuid and tag). MySQL prints a source's untagged intervals first, then each tag in order,
 * each followed by its intervals: {@code 3e11fa47-...:1-5:mytag:1-3,5c2a...:1-7}. Here a source is
 * such a (uuid, tag) pair, the untagged one with the empty tag.
 * <p>
 * Immutable; sources in ascending order (uuid, then tag, the untagged first), each with sorted,
 * disjoint, non-adjacent intervals.
 *
 * @author rw-routing
 */
public final class MySqlGtidSet {

	private static final int UUID_LENGTH = 36;

	// MySQL's tag_max_length.
	private static final int MAX_TAG_LENGTH = 32;

	private static final String UNTAGGED = "";

	private static final Comparator<Source> SOURCE_ORDER = Comparator.comparing(Source::uuid)
		.thenComparing(Source::tag);

	private final UUID[] sources;

	// Per source: its tag, UNTAGGED for none.
	private final String[] tags;

	// Per source: start and end (inclusive) of each interval, in pairs.
	private final long[][] intervals;

	private MySqlGtidSet(UUID[] sources, String[] tags, long[][] intervals) {
		this.sources = sources;
		this.tags = tags;
		this.intervals = intervals;
	}

	/**
	 * Parse a set as MySQL prints it (commas, optionally followed by a line break, between uuids;
	 * after a uuid its untagged intervals, then each tag followed by its intervals), or as MySQL
	 * accepts it (a uuid may repeat, tags in any case and order).
	 * @param value the set, or an empty string
	 * @return the set, or {@code null} when it is empty or malformed (a uuid or a tag without an
	 * interval, a tag MySQL would refuse)
	 */
	public static @Nullable MySqlGtidSet parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Map<Source, List<long[]>> sources = new TreeMap<>(SOURCE_ORDER);
		try {
			for (String uuidSet : value.split(",")) {
				String[] parts = uuidSet.trim().split(":", -1);
				if (parts.length < 2 || parts[0].length() != UUID_LENGTH) {
					return null;
				}
				UUID uuid = UUID.fromString(parts[0]);
				// The untagged intervals come first; each tag's follow it.
				List<long[]> ranges = null;
				boolean afterTag = false;
				boolean anyInterval = false;
				for (int i = 1; i < parts.length; i++) {
					String part = parts[i];
					if (!part.isEmpty() && part.charAt(0) >= '0' && part.charAt(0) <= '9') {
						if (ranges == null) {
							ranges = sources.computeIfAbsent(new Source(uuid, UNTAGGED), (source) -> new ArrayList<>());
						}
						ranges.add(interval(part));
						afterTag = false;
						anyInterval = true;
					}
					else {
						String tag = tag(part);
						if (tag == null || afterTag) {
							// Not a tag, or a tag without intervals.
							return null;
						}
						ranges = sources.computeIfAbsent(new Source(uuid, tag), (source) -> new ArrayList<>());
						afterTag = true;
					}
				}
				if (afterTag || !anyInterval) {
					return null;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// Not a number, not a UUID.
			return null;
		}
		return of(sources);
	}
	// "5" or "1-5": transactions are numbered from 1.
	private static long[] interval(String part) {
		int dash = part.indexOf('-');
		long start = Long.parseLong((dash < 0) ? part : part.substring(0, dash));
		long end = (dash < 0) ? start : Long.parseLong(part.substring(dash + 1));
		if (start < 1 || end < start) {
			throw new IllegalArgumentException("Not an interval: " + part);
		}
		return new long[] { start, end };
	}

	/**
	 * A tag as MySQL keeps it (lower case), or {@code null} when MySQL would refuse it: a letter or
	 * an underscore, then letters, digits or underscores, {@value #MAX_TAG_LENGTH} characters at most.
	 */
	private static @Nullable String tag(String part) {
		int length = part.length();
		if (length == 0 || length > MAX_TAG_LENGTH) {
			return null;
		}
		for (int i = 0; i < length; i++) {
			char c = part.charAt(i);
			boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
			if (!letter && (i == 0 || c < '0' || c > '9')) {
				return null;
			}
		}
		return part.toLowerCase(Locale.ROOT);
	}

	private static MySqlGtidSet of(Map<Source, List<long[]>> sources) {
		UUID[] uuids = new UUID[sources.size()];
		String[] tags = new String[uuids.length];
		long[][] intervals = new long[uuids.length][];
		int i = 0;
		for (Map.Entry<Source, List<long[]>> source : sources.entrySet()) {
			uuids[i] = source.getKey().uuid();
			tags[i] = source.getKey().tag();
			intervals[i++] = normalized(source.getValue());
		}
		return new MySqlGtidSet(uuids, tags, intervals);
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

	private int compareSource(int mine, MySqlGtidSet other, int theirs) {
		int byUuid = this.sources[mine].compareTo(other.sources[theirs]);
		return (byUuid != 0) ? byUuid : this.tags[mine].compareTo(other.tags[theirs]);
	}

	/**
	 * Whether a node whose executed set is this one has every transaction of {@code write}.
	 * @param write the write's set
	 * @return {@code true} if {@code write} is a subset of this set (per uuid and tag: a tagged
	 * GTID is never covered by the untagged one of the same number, nor the reverse)
	 */
	public boolean includes(MySqlGtidSet write) {
		int mine = 0;
		for (int i = 0; i < write.sources.length; i++) {
			while (mine < this.sources.length && compareSource(mine, write, i) < 0) {
				mine++;
			}
			if (mine == this.sources.length || compareSource(mine, write, i) != 0
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
		Map<Source, List<long[]>> sources = new TreeMap<>(SOURCE_ORDER);
		for (MySqlGtidSet set : new MySqlGtidSet[] { this, other }) {
			for (int i = 0; i < set.sources.length; i++) {
				List<long[]> ranges = sources.computeIfAbsent(new Source(set.sources[i], set.tags[i]),
						(source) -> new ArrayList<>());
				for (int k = 0; k < set.intervals[i].length; k += 2) {
					ranges.add(new long[] { set.intervals[i][k], set.intervals[i][k + 1] });
				}
			}
		}
		return of(sources);
	}

	/**
	 * The part of this set that a few uuids wrote, tagged or not.
	 * @param uuids the uuids to keep
	 * @return that part, or {@code null} when none of them wrote anything in the set
	 */
	public @Nullable MySqlGtidSet ofUuids(UUID... uuids) {
		int count = 0;
		boolean[] kept = new boolean[this.sources.length];
		for (int i = 0; i < this.sources.length; i++) {
			for (UUID uuid : uuids) {
				if (this.sources[i].equals(uuid)) {
					kept[i] = true;
					count++;
					break;
				}
			}
		}
		if (count == this.sources.length) {
			return this;
		}
		if (count == 0) {
			return null;
		}
		UUID[] sources = new UUID[count];
		String[] tags = new String[count];
		long[][] intervals = new long[count][];
		int n = 0;
		for (int i = 0; i < this.sources.length; i++) {
			if (kept[i]) {
				sources[n] = this.sources[i];
				tags[n] = this.tags[i];
				intervals[n++] = this.intervals[i];
			}
		}
		return new MySqlGtidSet(sources, tags, intervals);
	}

	/**
	 * Whether the set has tagged GTIDs (MySQL 8.3 and later).
	 * @return {@code true} if one of its sources has a tag
	 */
	public boolean isTagged() {
		for (String tag : this.tags) {
			if (!tag.isEmpty()) {
				return true;
			}
		}
		return false;
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
		boolean tagged = isTagged();
		int bytes = Short.BYTES;
		for (int i = 0; i < this.sources.length; i++) {
			bytes += 2 * Long.BYTES + Short.BYTES + this.intervals[i].length * Long.BYTES;
			if (tagged) {
				bytes += 1 + this.tags[i].length();
			}
		}
		return bytes;
	}

	/**
	 * Write the set: the number of sources, then per source its UUID, its tag when the set is
	 * {@link #isTagged() tagged} (its length in one byte, 0 for none, then its ASCII characters),
	 * its number of intervals and each interval's start and end. An untagged set is written exactly
	 * as before tags were known, so that earlier readers still read it.
	 * @param buffer where to write it
	 */
	public void writeTo(ByteBuffer buffer) {
		boolean tagged = isTagged();
		buffer.putShort((short) this.sources.length);
		for (int i = 0; i < this.sources.length; i++) {
			buffer.putLong(this.sources[i].getMostSignificantBits());
			buffer.putLong(this.sources[i].getLeastSignificantBits());
			if (tagged) {
				buffer.put((byte) this.tags[i].length());
				buffer.put(this.tags[i].getBytes(StandardCharsets.US_ASCII));
			}
			buffer.putShort((short) (this.intervals[i].length / 2));
			for (long bound : this.intervals[i]) {
				buffer.putLong(bound);
			}
		}
	}

	/**
	 * Read an untagged set as {@link #writeTo(ByteBuffer)} wrote it.
	 * @param buffer where to read it
	 * @return the set
	 * @throws IllegalArgumentException if the bytes are not a set so written (too short, empty,
	 * sources out of order, intervals unsorted, overlapping or adjacent)
	 */
	public static MySqlGtidSet readFrom(ByteBuffer buffer) {
		return readFrom(buffer, false);
	}

	/**
	 * Read a set as {@link #writeTo(ByteBuffer)} wrote it.
	 * @param buffer where to read it
	 * @param tagged whether the set was written {@link #isTagged() tagged}
	 * @return the set
	 * @throws IllegalArgumentException if the bytes are not a set so written (too short, empty,
	 * sources out of order, a tag MySQL would refuse, a tagged set without a tag, intervals
	 * unsorted, overlapping or adjacent)
	 */
	public static MySqlGtidSet readFrom(ByteBuffer buffer, boolean tagged) {
		int count = readCount(buffer);
		UUID[] sources = new UUID[count];
		String[] tags = new String[count];
		long[][] intervals = new long[count][];
		MySqlGtidSet set = new MySqlGtidSet(sources, tags, intervals);
		for (int i = 0; i < count; i++) {
			require(buffer, 2 * Long.BYTES);
			sources[i] = new UUID(buffer.getLong(), buffer.getLong());
			tags[i] = tagged ? readTag(buffer) : UNTAGGED;
			if (i > 0 && set.compareSource(i - 1, set, i) >= 0) {
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
		if (tagged && !set.isTagged()) {
			// Written untagged by writeTo: two encodings of one set would sign differently.
			throw new IllegalArgumentException("A tagged GTID set without a tag");
		}
		return set;
	}

	private static String readTag(ByteBuffer buffer) {
		require(buffer, 1);
		int length = buffer.get();
		if (length == 0) {
			return UNTAGGED;
		}
		if (length < 0 || length > MAX_TAG_LENGTH) {
			throw new IllegalArgumentException("GTID tag too long");
		}
		require(buffer, length);
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		String tag = new String(bytes, StandardCharsets.US_ASCII);
		if (!tag.equals(tag(tag))) {
			throw new IllegalArgumentException("Not a GTID tag as MySQL keeps it");
		}
		return tag;
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
				&& Arrays.equals(set.tags, this.tags) && Arrays.deepEquals(set.intervals, this.intervals);
	}

	@Override
	public int hashCode() {
		return (Arrays.hashCode(this.sources) * 31 + Arrays.hashCode(this.tags)) * 31
				+ Arrays.deepHashCode(this.intervals);
	}

	/**
	 * The set as MySQL prints it, without line breaks.
	 * @return per uuid {@code uuid:start-end:...:tag:start-end...}, separated by commas
	 */
	@Override
	public String toString() {
		StringBuilder result = new StringBuilder();
		for (int i = 0; i < this.sources.length; i++) {
			if (i == 0 || !this.sources[i].equals(this.sources[i - 1])) {
				result.append((i > 0) ? "," : "").append(this.sources[i]);
			}
			if (!this.tags[i].isEmpty()) {
				result.append(':').append(this.tags[i]);
			}
			for (int k = 0; k < this.intervals[i].length; k += 2) {
				result.append(':').append(this.intervals[i][k]);
				if (this.intervals[i][k + 1] != this.intervals[i][k]) {
					result.append('-').append(this.intervals[i][k + 1]);
				}
			}
		}
		return result.toString();
	}

	// A transaction source as MySQL 8.3 keys it: uuid and tag (UNTAGGED for none).
	private record Source(UUID uuid, String tag) {

	}

}
