package io.github.rwrouting.consistency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MySqlGtidSet;
import io.github.rwrouting.topology.ReplicationPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens whose positions are MariaDB GTID positions or MySQL GTID sets: monotonic merging, their
 * encoding, and the cap on a MySQL set.
 */
class GtidTokenTests {

	private static final long NOW = 1_800_000_000_000L;

	private static final long CLUSTER = 42;

	private final ConsistencyTokenCodec codec = new ConsistencyTokenCodec(
			"a-test-signing-key-of-some-length".getBytes(StandardCharsets.UTF_8));

	private static ConsistencyToken.Entry entry(int writer, String gtids, long commitTime) {
		GtidPosition position = GtidPosition.parse(gtids);
		return new ConsistencyToken.Entry(CLUSTER, writer, position.sequenceSum(), commitTime, position);
	}

	@Test
	void writesOfOneWriterMergeDomainByDomainAndNeverMoveBack() {
		ConsistencyToken token = new ConsistencyToken(List.of(entry(1, "0-1-10", NOW)), NOW + 1000);
		ConsistencyToken twoDomains = token.advance(entry(1, "1-1-3", NOW + 1), NOW + 2000);
		assertThat(twoDomains.entryFor(CLUSTER).gtids()).hasToString("0-1-10,1-1-3");
		assertThat(twoDomains.entryFor(CLUSTER).commitTimeMillis()).isEqualTo(NOW + 1);
		assertThat(twoDomains.entryFor(CLUSTER).position()).isEqualTo(13);
		ConsistencyToken older = twoDomains.advance(entry(1, "0-1-7", NOW + 2), NOW + 2000);
		assertThat(older.entryFor(CLUSTER).gtids()).as("domain 0 does not move back").hasToString("0-1-10,1-1-3");
		ConsistencyToken newer = older.advance(entry(1, "0-1-12", NOW + 3), NOW + 2000);
		assertThat(newer.entryFor(CLUSTER).gtids()).hasToString("0-1-12,1-1-3");
		assertThat(newer.entries()).hasSize(1);
	}

	@Test
	void aWriteOfAnotherWriterReplacesTheEntryWhenItIsNewer() {
		// After a failover the new writer (server 2) continues domain 0 with sequences that may alias
		// the old writer's: positions of two writers are never merged.
		ConsistencyToken token = new ConsistencyToken(List.of(entry(1, "0-1-101", NOW)), NOW + 1000);
		ConsistencyToken afterFailover = token.advance(entry(2, "0-2-101", NOW + 5), NOW + 1000);
		assertThat(afterFailover.entryFor(CLUSTER)).isEqualTo(entry(2, "0-2-101", NOW + 5));
		ConsistencyToken late = afterFailover.merge(new ConsistencyToken(List.of(entry(1, "0-1-200", NOW + 1)), NOW));
		assertThat(late.entryFor(CLUSTER)).as("an older write of the old writer").isEqualTo(entry(2, "0-2-101", NOW + 5));
	}

	@Test
	void aTokenWithGtidsRoundTripsAsV2() {
		ConsistencyToken token = new ConsistencyToken(List.of(entry(1, "0-1-10,1-1-3,4294967295-4294967295-7", NOW),
				new ConsistencyToken.Entry(7710841469789910806L, 1, 28_860_672L, NOW - 5)), NOW + 60_000);
		String encoded = this.codec.encode(token);
		assertThat(encoded).startsWith("v2.");
		ConsistencyTokenCodec.Decoded decoded = this.codec.decode(encoded, NOW);
		assertThat(decoded.rejection()).isNull();
		assertThat(decoded.token()).isEqualTo(token);
	}

	@Test
	void aSingleDomainEntryStaysSmall() {
		String encoded = this.codec.encode(new ConsistencyToken(List.of(entry(1, "0-1-10", NOW)), NOW + 60_000));
		String postgres = this.codec.encode(
				new ConsistencyToken(List.of(new ConsistencyToken.Entry(CLUSTER, 1, 10, NOW)), NOW + 60_000));
		System.out.printf("token length: MariaDB one domain %d chars, PostgreSQL %d chars%n", encoded.length(),
				postgres.length());
		assertThat(postgres).startsWith("v1.");
		assertThat(encoded.length()).isLessThanOrEqualTo(postgres.length() + 16);
	}

	@Test
	void aV2PayloadRelabelledV1OrTheReverseIsRejected() {
		String v2 = this.codec.encode(new ConsistencyToken(List.of(entry(1, "0-1-10", NOW)), NOW + 60_000));
		assertThat(this.codec.decode("v1." + v2.substring(3), NOW).rejection())
			.isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
		String v1 = this.codec.encode(
				new ConsistencyToken(List.of(new ConsistencyToken.Entry(CLUSTER, 1, 10, NOW)), NOW + 60_000));
		assertThat(this.codec.decode("v2." + v1.substring(3), NOW).rejection())
			.isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
	}

	@Test
	void sixteenEntriesOfSixteenDomainsFit() {
		List<ConsistencyToken.Entry> entries = new ArrayList<>();
		for (int cluster = 1; cluster <= ConsistencyToken.MAX_ENTRIES; cluster++) {
			StringBuilder gtids = new StringBuilder();
			for (int domain = 0; domain < GtidPosition.MAX_DOMAINS; domain++) {
				gtids.append((domain > 0) ? "," : "").append(domain).append("-1-").append(1_000_000 + domain);
			}
			GtidPosition position = GtidPosition.parse(gtids.toString());
			entries.add(new ConsistencyToken.Entry(cluster, 1, position.sequenceSum(), NOW, position));
		}
		ConsistencyToken token = new ConsistencyToken(entries, NOW + 60_000);
		assertThat(this.codec.decode(this.codec.encode(token), NOW).token()).isEqualTo(token);
	}

	private static final String UUID_A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String UUID_B = "5c2a63a1-7a0a-11ee-8a4e-0242ac120002";

	private static ConsistencyToken.Entry setEntry(int writer, String gtidSet, long commitTime) {
		return ConsistencyToken.Entry.of(CLUSTER, ReplicationPosition.ofGtidSet(writer, MySqlGtidSet.parse(gtidSet)),
				commitTime);
	}

	@Test
	void writesOfOneMySqlWriterJoinTheirSetsAndNeverMoveBack() {
		ConsistencyToken token = new ConsistencyToken(List.of(setEntry(1, UUID_A + ":1-10", NOW)), NOW + 1000);
		ConsistencyToken joined = token.advance(setEntry(1, UUID_A + ":1-12," + UUID_B + ":1-3", NOW + 1), NOW + 2000);
		assertThat(joined.entryFor(CLUSTER).gtidSet()).hasToString(UUID_A + ":1-12," + UUID_B + ":1-3");
		assertThat(joined.entryFor(CLUSTER).position()).isEqualTo(15);
		ConsistencyToken older = joined.advance(setEntry(1, UUID_A + ":1-5", NOW + 2), NOW + 2000);
		assertThat(older.entryFor(CLUSTER).gtidSet()).as("never moves back")
			.hasToString(UUID_A + ":1-12," + UUID_B + ":1-3");
		assertThat(older.entryFor(CLUSTER).commitTimeMillis()).isEqualTo(NOW + 2);
		ConsistencyToken otherWriter = older.advance(setEntry(2, UUID_B + ":1-4", NOW + 3), NOW + 2000);
		assertThat(otherWriter.entryFor(CLUSTER))
			.as("another writer's newer write joins it (sets never alias): its writer, both writes")
			.isEqualTo(setEntry(2, UUID_A + ":1-12," + UUID_B + ":1-4", NOW + 3));
		ConsistencyToken late = otherWriter.advance(setEntry(1, UUID_A + ":1-13", NOW + 1), NOW + 2000);
		assertThat(late.entryFor(CLUSTER)).as("an older write of the old writer: joined, the newer writer stays")
			.isEqualTo(setEntry(2, UUID_A + ":1-13," + UUID_B + ":1-4", NOW + 3));
	}

	@Test
	void aTaggedSetRoundTripsAsItsOwnEntryKindAndAnUntaggedOneAsBefore() {
		ConsistencyToken tagged = new ConsistencyToken(
				List.of(setEntry(1, UUID_A + ":1-100:mytag:1-3," + UUID_B + ":9", NOW)), NOW + 60_000);
		String encoded = this.codec.encode(tagged);
		assertThat(encoded).startsWith("v2.");
		assertThat(this.codec.decode(encoded, NOW).token()).isEqualTo(tagged);
		assertThat(this.codec.decode(encoded, NOW).token().entryFor(CLUSTER).gtidSet())
			.hasToString(UUID_A + ":1-100:mytag:1-3," + UUID_B + ":9");
		// The entry's kind follows the expiry and the entry count: -2 tagged, -1 as before tags.
		assertThat(payload(encoded)[Long.BYTES + 1]).isEqualTo((byte) -2);
		String untagged = this.codec
			.encode(new ConsistencyToken(List.of(setEntry(1, UUID_A + ":1-100," + UUID_B + ":9", NOW)), NOW + 60_000));
		byte[] untaggedPayload = payload(untagged);
		assertThat(untaggedPayload[Long.BYTES + 1]).isEqualTo((byte) -1);
		// Written as before tags: the count, then straight the first uuid and its interval count.
		assertThat(untaggedPayload.length).isEqualTo(Long.BYTES + 1 + 1 + Long.BYTES + Integer.BYTES + Long.BYTES
				+ Short.BYTES + 2 * (16 + Short.BYTES + 16));
	}

	@Test
	void aTokenWrittenBeforeTagsWereKnownStillReads() {
		// A v2 token with an untagged set entry (kind -1), as rw-routing wrote it before tags were
		// known, signed with the same key: the bytes laid out by hand.
		ByteBuffer payload = ByteBuffer.allocate(8 + 1 + 1 + 8 + 4 + 8 + 2 + 16 + 2 + 16);
		UUID uuid = UUID.fromString(UUID_A);
		payload.putLong(NOW + 60_000).put((byte) 1).put((byte) -1).putLong(CLUSTER).putInt(1).putLong(NOW);
		payload.putShort((short) 1).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
		payload.putShort((short) 1).putLong(1).putLong(100);
		String body = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.array());
		String reference = this.codec
			.encode(new ConsistencyToken(List.of(setEntry(1, UUID_A + ":1-100", NOW)), NOW + 60_000));
		assertThat(reference).startsWith("v2." + body + ".");
		assertThat(this.codec.decode(reference, NOW).token().entryFor(CLUSTER).gtidSet()).hasToString(UUID_A + ":1-100");
	}

	private static byte[] payload(String token) {
		return Base64.getUrlDecoder().decode(token.substring(3, token.indexOf('.', 3)));
	}

	@Test
	void aTokenWithAMySqlSetRoundTripsAsV2BesideOtherEntries() {
		ConsistencyToken token = new ConsistencyToken(List.of(setEntry(-7, UUID_A + ":1-100:200-300," + UUID_B + ":9", NOW),
				entry(1, "0-1-10", NOW), new ConsistencyToken.Entry(7710841469789910806L, 1, 28_860_672L, NOW - 5)),
				NOW + 60_000);
		String encoded = this.codec.encode(token);
		assertThat(encoded).startsWith("v2.");
		ConsistencyTokenCodec.Decoded decoded = this.codec.decode(encoded, NOW);
		assertThat(decoded.rejection()).isNull();
		assertThat(decoded.token()).isEqualTo(token);
		String oneSource = this.codec
			.encode(new ConsistencyToken(List.of(setEntry(1, UUID_A + ":1-1000000", NOW)), NOW + 60_000));
		String postgres = this.codec.encode(
				new ConsistencyToken(List.of(new ConsistencyToken.Entry(CLUSTER, 1, 10, NOW)), NOW + 60_000));
		System.out.printf("token length: MySQL one source, one interval %d chars%n", oneSource.length());
		// The source's UUID and one interval: 34 bytes more than a PostgreSQL entry's position.
		assertThat(oneSource.length()).isLessThanOrEqualTo(postgres.length() + 40);
	}

	@Test
	void aSetLargerThanTheCapKeepsNoReplicaPosition() {
		StringBuilder sources = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			sources.append((i > 0) ? "," : "").append(String.format("%08x-0000-0000-0000-000000000000:1-5", i + 1));
		}
		MySqlGtidSet large = MySqlGtidSet.parse(sources.toString());
		assertThat(large.encodedBytes()).isGreaterThan(ConsistencyToken.MAX_GTID_SET_BYTES);
		ConsistencyToken.Entry entry = setEntry(1, sources.toString(), NOW);
		assertThat(entry).isEqualTo(new ConsistencyToken.Entry(CLUSTER, 1, ConsistencyToken.Entry.NO_REPLICA_POSITION, NOW));
		assertThat(entry.hasNoReplicaPosition()).as("not commit time only").isTrue();
		// Seven sources fit; joined with an eighth they do not: no replica position, the later commit.
		String seven = sources.substring(0, sources.lastIndexOf(","));
		ConsistencyToken token = new ConsistencyToken(List.of(setEntry(1, seven, NOW)), NOW + 1000);
		assertThat(token.entryFor(CLUSTER).gtidSet()).isNotNull();
		ConsistencyToken overflow = token.advance(setEntry(1, sources.substring(sources.lastIndexOf(",") + 1), NOW + 4),
				NOW + 1000);
		assertThat(overflow.entryFor(CLUSTER))
			.isEqualTo(new ConsistencyToken.Entry(CLUSTER, 1, ConsistencyToken.Entry.NO_REPLICA_POSITION, NOW + 4));
		assertThat(this.codec.decode(this.codec.encode(overflow), NOW).token()).isEqualTo(overflow);
		// It stays so: a later small set may not hold the write that overflowed.
		ConsistencyToken later = overflow.advance(setEntry(2, seven, NOW + 9), NOW + 1000);
		assertThat(later.entryFor(CLUSTER))
			.isEqualTo(new ConsistencyToken.Entry(CLUSTER, 2, ConsistencyToken.Entry.NO_REPLICA_POSITION, NOW + 9));
		assertThat(later.entryFor(CLUSTER).hasNoReplicaPosition()).isTrue();
		ConsistencyToken earlier = overflow.advance(setEntry(2, seven, NOW + 1), NOW + 1000);
		assertThat(earlier.entryFor(CLUSTER)).isSameAs(overflow.entryFor(CLUSTER));
		assertThat(new ConsistencyToken.Entry(CLUSTER, 1, -1, NOW).hasNoReplicaPosition()).isFalse();
	}

	@Test
	void sixteenEntriesOfTheLargestSetFit() {
		StringBuilder sources = new StringBuilder();
		for (int i = 0; i < 7; i++) {
			sources.append((i > 0) ? "," : "").append(String.format("%08x-0000-0000-0000-000000000000:1-5", i + 1));
		}
		List<ConsistencyToken.Entry> entries = new ArrayList<>();
		for (int cluster = 1; cluster <= ConsistencyToken.MAX_ENTRIES; cluster++) {
			entries.add(ConsistencyToken.Entry.of(cluster,
					ReplicationPosition.ofGtidSet(1, MySqlGtidSet.parse(sources.toString())), NOW));
		}
		ConsistencyToken token = new ConsistencyToken(entries, NOW + 60_000);
		assertThat(token.entries()).allSatisfy((entry) -> assertThat(entry.gtidSet()).isNotNull());
		assertThat(this.codec.decode(this.codec.encode(token), NOW).token()).isEqualTo(token);
	}

}
