package io.github.rwrouting.topology;

import java.nio.ByteBuffer;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * MySQL GTID sets as {@code @@gtid_executed} prints them: parsing, inclusion ({@code GTID_SUBSET}),
 * union and their bytes in tokens.
 */
class MySqlGtidSetTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String B = "5c2a63a1-7a0a-11ee-8a4e-0242ac120002";

	private static MySqlGtidSet set(String value) {
		MySqlGtidSet set = MySqlGtidSet.parse(value);
		assertThat(set).as(value).isNotNull();
		return set;
	}

	@Test
	void parsesIntervalsPerSourceAsMySqlPrintsThem() {
		MySqlGtidSet set = set(A + ":1-100:200-300,\n" + B + ":1-7");
		assertThat(set).hasToString(A + ":1-100:200-300," + B + ":1-7");
		assertThat(set.transactionCount()).isEqualTo(100 + 101 + 7);
	}

	@Test
	void normalizesSourcesAndIntervals() {
		// Sources sorted, intervals sorted, overlapping and adjacent ones joined, single numbers kept.
		assertThat(set(B + ":9," + A + ":5-6:1-4:3:8")).hasToString(A + ":1-6:8," + B + ":9");
		assertThat(set(A + ":1-3," + A.toUpperCase() + ":4-5")).hasToString(A + ":1-5");
	}

	@Test
	void emptyOrMalformedSetsAreNotParsed() {
		assertThat(MySqlGtidSet.parse(null)).isNull();
		assertThat(MySqlGtidSet.parse("")).isNull();
		assertThat(MySqlGtidSet.parse(A)).as("no interval").isNull();
		assertThat(MySqlGtidSet.parse(A + ":0-5")).as("transactions start at 1").isNull();
		assertThat(MySqlGtidSet.parse(A + ":5-3")).isNull();
		assertThat(MySqlGtidSet.parse("0-1-7")).as("a MariaDB GTID").isNull();
		assertThat(MySqlGtidSet.parse("not-a-uuid-but-36-characters-long-xx:1-5")).isNull();
		assertThat(MySqlGtidSet.parse(A + ":tag")).as("a tag without an interval").isNull();
		assertThat(MySqlGtidSet.parse(A + ":1-5:tag")).as("a tag without an interval").isNull();
		assertThat(MySqlGtidSet.parse(A + ":one:two:1")).as("a tag right after a tag").isNull();
		assertThat(MySqlGtidSet.parse(A + ":-tag:1")).isNull();
		assertThat(MySqlGtidSet.parse(A + ":t-g:1")).isNull();
		assertThat(MySqlGtidSet.parse(A + ":1tag:1")).as("a tag starts with a letter or _").isNull();
		assertThat(MySqlGtidSet.parse(A + "::1")).isNull();
		assertThat(MySqlGtidSet.parse(A + ":" + "t".repeat(33) + ":1")).as("33 characters").isNull();
	}

	@Test
	void parsesTaggedSetsAsMySql84PrintsThem() {
		// The untagged intervals first, then each tag with its own (MySQL 8.3 and later).
		MySqlGtidSet set = set(A + ":1-5:mytag:1-3,\n" + B + ":1-7");
		assertThat(set).hasToString(A + ":1-5:mytag:1-3," + B + ":1-7");
		assertThat(set.isTagged()).isTrue();
		assertThat(set.transactionCount()).as("a tagged GTID is a transaction of its own").isEqualTo(5 + 3 + 7);
		assertThat(set(A + ":tag_only:4").transactionCount()).isEqualTo(1);
		assertThat(set(A + ":" + "_" + "t9".repeat(15) + "x:1")).as("32 characters").isNotNull();
		assertThat(set(A + ":1-5," + B + ":1").isTagged()).isFalse();
	}

	@Test
	void normalizesTagsAsMySqlDoes() {
		// Case-insensitive (printed in lower case), in order, one uuid printed once (MySQL bug 116789's
		// example, as gtid_executed showed it).
		assertThat(set(A.toUpperCase() + ":Domain_2:8-52, " + A + ":Domain_1:1-3:15-21"))
			.hasToString(A + ":domain_1:1-3:15-21:domain_2:8-52");
		assertThat(set(A + ":b:1:a:2:3," + A + ":A:1:4-5,"+ A + ":9")).hasToString(A + ":9:a:1-5:b:1");
	}

	@Test
	void aTaggedGtidIsAnotherTransactionThanTheUntaggedOne() {
		MySqlGtidSet executed = set(A + ":1-5:mytag:1-3," + B + ":1-7");
		assertThat(executed.includes(set(A + ":mytag:2"))).isTrue();
		assertThat(executed.includes(set(A + ":MyTag:1-3:4-5"))).as("tags are case-insensitive").isFalse();
		assertThat(executed.includes(set(A + ":mytag:1-3,"+ A + ":4-5"))).isTrue();
		assertThat(executed.includes(set(A + ":mytag:4"))).isFalse();
		assertThat(executed.includes(set(A + ":other:1"))).isFalse();
		assertThat(set(A + ":1-5").includes(set(A + ":mytag:1"))).as("the untagged one does not cover it")
			.isFalse();
		assertThat(set(A + ":mytag:1-5").includes(set(A + ":1"))).as("nor the reverse").isFalse();
		assertThat(set(A + ":1-5").includes(executed)).isFalse();
		assertThat(set(A + ":1-2").union(set(A + ":t:1," + B + ":1"))).hasToString(A + ":1-2:t:1," + B + ":1");
	}

	@Test
	void thePartOfAFewUuidsKeepsTheirTags() {
		MySqlGtidSet executed = set(A + ":1-5:mytag:1-3," + B + ":1-7");
		assertThat(executed.ofUuids(UUID.fromString(A))).hasToString(A + ":1-5:mytag:1-3");
		assertThat(executed.ofUuids(UUID.fromString(B))).hasToString(B + ":1-7");
		assertThat(executed.ofUuids(UUID.fromString(A), UUID.fromString(B))).isSameAs(executed);
		assertThat(executed.ofUuids(UUID.fromString("00000000-0000-0000-0000-000000000001"))).isNull();
	}

	@Test
	void aTaggedSetRoundTripsThroughItsBytesWithItsTags() {
		MySqlGtidSet set = set(A + ":1-5:mytag:1-3," + B + ":1-7");
		ByteBuffer buffer = ByteBuffer.allocate(set.encodedBytes());
		set.writeTo(buffer);
		assertThat(buffer.hasRemaining()).isFalse();
		// Per source a tag length byte and the tag: untagged A, A's "mytag", untagged B.
		assertThat(set.encodedBytes()).isEqualTo(2 + 3 * (16 + 2) + 3 * 16 + 3 + "mytag".length());
		buffer.flip();
		assertThat(MySqlGtidSet.readFrom(buffer, true)).isEqualTo(set);
		byte[] bytes = buffer.array();
		byte[] upperCase = bytes.clone();
		// The tag's first letter, after the count, A's uuid, its empty tag and interval, and A again.
		int tagAt = 2 + 16 + 1 + 2 + 16 + 16 + 1;
		assertThat((char) upperCase[tagAt]).isEqualTo('m');
		upperCase[tagAt] = 'M';
		assertThatIllegalArgumentException().isThrownBy(() -> MySqlGtidSet.readFrom(ByteBuffer.wrap(upperCase), true))
			.withMessageContaining("tag");
		MySqlGtidSet untagged = set(A + ":1-5");
		ByteBuffer plain = ByteBuffer.allocate(untagged.encodedBytes() + 1);
		plain.putShort((short) 1).putLong(0).putLong(1).put((byte) 0).putShort((short) 1).putLong(1).putLong(5);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MySqlGtidSet.readFrom(ByteBuffer.wrap(plain.array()), true))
			.as("an untagged set is only ever written without tags")
			.withMessageContaining("without a tag");
	}

	@Test
	void includesIsSubsetSourceBySource() {
		MySqlGtidSet executed = set(A + ":1-100:200-300," + B + ":1-7");
		assertThat(executed.includes(set(A + ":1-100"))).isTrue();
		assertThat(executed.includes(set(A + ":50-60:250," + B + ":7"))).isTrue();
		assertThat(executed.includes(executed)).isTrue();
		assertThat(executed.includes(set(A + ":101"))).as("in the gap").isFalse();
		assertThat(executed.includes(set(A + ":90-210"))).as("spans the gap").isFalse();
		assertThat(executed.includes(set(B + ":1-8"))).isFalse();
		assertThat(executed.includes(set("00000000-0000-0000-0000-000000000001:1"))).as("another source")
			.isFalse();
		assertThat(set(A + ":1-100").includes(executed)).isFalse();
	}

	@Test
	void aUnionHoldsBothAndNeverMovesBack() {
		MySqlGtidSet first = set(A + ":1-10");
		MySqlGtidSet both = first.union(set(A + ":11-12," + B + ":3"));
		assertThat(both).hasToString(A + ":1-12," + B + ":3");
		assertThat(both.includes(first)).isTrue();
		assertThat(both.union(first)).as("already included: the same instance").isSameAs(both);
		assertThat(set(A + ":20").union(set(A + ":1-5"))).hasToString(A + ":1-5:20");
	}

	@Test
	void roundTripsThroughItsBytes() {
		MySqlGtidSet set = set(A + ":1-100:200-300," + B + ":1-7");
		ByteBuffer buffer = ByteBuffer.allocate(set.encodedBytes());
		set.writeTo(buffer);
		assertThat(buffer.hasRemaining()).isFalse();
		buffer.flip();
		assertThat(MySqlGtidSet.readFrom(buffer)).isEqualTo(set);
		assertThat(set.encodedBytes()).isEqualTo(2 + 2 * (16 + 2) + 3 * 16);
	}

	@Test
	void bytesThatAreNotASetAreRejected() {
		MySqlGtidSet set = set(A + ":1-5:7-9");
		ByteBuffer buffer = ByteBuffer.allocate(set.encodedBytes());
		set.writeTo(buffer);
		byte[] bytes = buffer.array();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MySqlGtidSet.readFrom(ByteBuffer.wrap(bytes, 0, bytes.length - 1)));
		byte[] adjacent = bytes.clone();
		// The second interval's start (7) made 6: adjacent to the first, never written so.
		adjacent[2 + 16 + 2 + 16 + 7] = 6;
		assertThatIllegalArgumentException().isThrownBy(() -> MySqlGtidSet.readFrom(ByteBuffer.wrap(adjacent)));
		assertThatIllegalArgumentException().isThrownBy(() -> MySqlGtidSet.readFrom(ByteBuffer.wrap(new byte[2])));
	}

}
