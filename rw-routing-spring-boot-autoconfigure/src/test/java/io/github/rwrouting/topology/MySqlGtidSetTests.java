package io.github.rwrouting.topology;

import java.nio.ByteBuffer;

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
	void emptyMalformedOrTaggedSetsAreNotParsed() {
		assertThat(MySqlGtidSet.parse(null)).isNull();
		assertThat(MySqlGtidSet.parse("")).isNull();
		assertThat(MySqlGtidSet.parse(A)).as("no interval").isNull();
		assertThat(MySqlGtidSet.parse(A + ":0-5")).as("transactions start at 1").isNull();
		assertThat(MySqlGtidSet.parse(A + ":5-3")).isNull();
		assertThat(MySqlGtidSet.parse("0-1-7")).as("a MariaDB GTID").isNull();
		assertThat(MySqlGtidSet.parse("not-a-uuid-but-36-characters-long-xx:1-5")).isNull();
		assertThat(MySqlGtidSet.parse(A + ":tag:1-5")).as("MySQL 8.3 tags: not supported").isNull();
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
