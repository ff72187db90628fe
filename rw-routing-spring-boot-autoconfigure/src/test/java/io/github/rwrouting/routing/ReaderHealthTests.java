package io.github.rwrouting.routing;

import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ReplicationPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderHealthTests {

	@Test
	void aSingleNodeReaderIsTrustedAtTheReplayPositionTheMonitorSaw() {
		ReaderHealth health = new ReaderHealth(true);
		health.replayed(new ReplicationPosition(1, 1000), 50);
		assertThat(health.hasReplayed(write(1, 900, 100))).isTrue();
		assertThat(health.hasReplayed(write(1, 1000, 100))).isTrue();
		assertThat(health.hasReplayed(write(1, 1001, 10))).isFalse();
	}

	@Test
	void aReaderOnAnotherTimelineThanTheWriteIsNotTrusted() {
		ReaderHealth health = new ReaderHealth(true);
		health.replayed(new ReplicationPosition(1, 50_000), 500);
		assertThat(health.hasReplayed(write(2, 900, 100))).isFalse();
	}

	@Test
	void aReaderSpreadOverSeveralNodesIsNeverTrustedByPosition() {
		ReaderHealth health = new ReaderHealth(false);
		health.replayed(new ReplicationPosition(1, 1000), 50);
		assertThat(health.hasReplayed(write(1, 900, 10))).isFalse();
	}

	@Test
	void withoutPositionsTheCommitTimeDecides() {
		ReaderHealth health = new ReaderHealth(false);
		health.replayed(ReplicationPosition.UNKNOWN, 50);
		assertThat(health.hasReplayed(write(1, -1, 50))).isTrue();
		assertThat(health.hasReplayed(write(1, -1, 51))).isFalse();
	}

	@Test
	void aReadThatFoundTheReaderBehindRaisesItsLagUntilTheMonitorMeasuresAgain() {
		ReaderHealth health = new ReaderHealth(true);
		health.markAvailable(5);
		health.lagsAtLeast(30);
		assertThat(health.lagNanos()).isEqualTo(30);
		health.lagsAtLeast(10);
		assertThat(health.lagNanos()).isEqualTo(30);
		health.markAvailable(7);
		assertThat(health.lagNanos()).isEqualTo(7);
	}

	private static ConsistencyToken.Entry write(int timeline, long position, long commitTimeMillis) {
		return new ConsistencyToken.Entry(7, timeline, position, commitTimeMillis);
	}

}
