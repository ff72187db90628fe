package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeStateTests {

	@Test
	void aSingleNodeReaderIsTrustedAtTheReplayPositionTheMonitorSaw() {
		NodeState health = NodeState.reader("one", true);
		health.replayed(new ReplicationPosition(1, 1000), 50);
		assertThat(health.hasReplayed(1, 900, 100)).isTrue();
		assertThat(health.hasReplayed(1, 1000, 100)).isTrue();
		assertThat(health.hasReplayed(1, 1001, 10)).isFalse();
	}

	@Test
	void aReaderOnAnotherTimelineThanTheWriteIsNotTrusted() {
		NodeState health = NodeState.reader("one", true);
		health.replayed(new ReplicationPosition(1, 50_000), 500);
		assertThat(health.hasReplayed(2, 900, 100)).isFalse();
	}

	@Test
	void aReaderSpreadOverSeveralNodesIsNeverTrustedByPosition() {
		NodeState health = NodeState.reader("one", false);
		health.replayed(new ReplicationPosition(1, 1000), 50);
		assertThat(health.hasReplayed(1, 900, 10)).isFalse();
	}

	@Test
	void withoutPositionsTheCommitTimeDecides() {
		NodeState health = NodeState.reader("one", false);
		health.replayed(ReplicationPosition.UNKNOWN, 50);
		assertThat(health.hasReplayed(1, -1, 50)).isTrue();
		assertThat(health.hasReplayed(1, -1, 51)).isFalse();
	}

	@Test
	void aReadThatFoundTheReaderBehindRaisesItsLagUntilTheMonitorMeasuresAgain() {
		NodeState health = NodeState.reader("one", true);
		health.markAvailable(5);
		health.lagsAtLeast(30);
		assertThat(health.lagNanos()).isEqualTo(30);
		health.lagsAtLeast(10);
		assertThat(health.lagNanos()).isEqualTo(30);
		health.markAvailable(7);
		assertThat(health.lagNanos()).isEqualTo(7);
	}

}
