package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriterHistoryTests {

	private final WriterHistory history = new WriterHistory(4);

	@Test
	void noLagWithoutHistory() {
		assertThat(this.history.lagNanos(100, 1_000)).isZero();
		assertThat(this.history.latestPosition()).isEqualTo(NodeProbe.UNKNOWN);
	}

	@Test
	void noLagWhenTheReplicaHasReplayedTheNewestPosition() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		assertThat(this.history.lagNanos(200, 1_000)).isZero();
		assertThat(this.history.lagNanos(250, 1_000)).isZero();
	}

	@Test
	void lagIsTheTimeSinceTheWriterFirstWentPastTheReplayedPosition() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		this.history.record(30, 300);
		assertThat(this.history.lagNanos(250, 100)).isEqualTo(100 - 30);
		assertThat(this.history.lagNanos(150, 100)).isEqualTo(100 - 20);
		assertThat(this.history.lagNanos(100, 100)).isEqualTo(100 - 20);
	}

	@Test
	void anIdleWriterKeepsTheTimeItFirstReachedItsPosition() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		this.history.record(30, 200);
		this.history.record(40, 200);
		assertThat(this.history.lagNanos(100, 50)).isEqualTo(50 - 20);
		assertThat(this.history.lagNanos(200, 50)).isZero();
	}

	@Test
	void lagIsAtLeastTheSpanOfTheHistoryWhenTheReplicaIsOlderThanAllOfIt() {
		for (int i = 1; i <= 6; i++) {
			this.history.record(i * 10, i * 100);
		}
		assertThat(this.history.lagNanos(50, 100)).isEqualTo(100 - 30);
		assertThat(this.history.latestPosition()).isEqualTo(600);
	}

}
