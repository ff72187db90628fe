package io.github.rwrouting.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderHealthTests {

	@Test
	void aSingleNodeReaderIsTrustedAtTheReplayPositionTheMonitorSaw() {
		ReaderHealth health = new ReaderHealth(true);
		health.replayed(1000, 50);
		assertThat(health.hasReplayed(900, 100)).isTrue();
		assertThat(health.hasReplayed(1000, 100)).isTrue();
		assertThat(health.hasReplayed(1001, 10)).isFalse();
	}

	@Test
	void aReaderSpreadOverSeveralNodesIsNeverTrustedByPosition() {
		ReaderHealth health = new ReaderHealth(false);
		health.replayed(1000, 50);
		assertThat(health.hasReplayed(900, 10)).isFalse();
	}

	@Test
	void withoutPositionsTheCommitTimeDecides() {
		ReaderHealth health = new ReaderHealth(false);
		health.replayed(-1, 50);
		assertThat(health.hasReplayed(-1, 50)).isTrue();
		assertThat(health.hasReplayed(-1, 51)).isFalse();
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

}
