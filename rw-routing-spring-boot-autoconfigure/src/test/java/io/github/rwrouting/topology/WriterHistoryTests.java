package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriterHistoryTests {

	private final WriterHistory history = new WriterHistory(4, 50);

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
	}

	@Test
	void lagIsInterpolatedBetweenTheSamplesAroundTheReplayedPosition() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		this.history.record(30, 300);
		// The writer went past 250 halfway between the samples at 20 and 30.
		assertThat(this.history.lagNanos(250, 100)).isEqualTo(100 - 25);
		assertThat(this.history.lagNanos(150, 100)).isEqualTo(100 - 15);
	}

	@Test
	void aReplicaAtASampledPositionLagsFromTheNextSample() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		this.history.record(30, 300);
		// The writer was at 100 when sampled at 10 and may have stayed there until just before 20.
		assertThat(this.history.lagNanos(100, 100)).isEqualTo(100 - 20);
	}

	@Test
	void anIdleWriterMovesOnlyAfterItWasLastSeenAtItsPosition() {
		this.history.record(10, 100);
		this.history.record(20, 100);
		this.history.record(30, 100);
		this.history.record(40, 200);
		// At 100 until 30, at 200 from 40: past 150 at 35, not halfway between 10 and 40.
		assertThat(this.history.lagNanos(150, 50)).isEqualTo(50 - 35);
		assertThat(this.history.lagNanos(200, 50)).isZero();
	}

	@Test
	void aReplicaPastTheNewestSampleLagsByTheExtrapolatedTime() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		// 10 bytes per time unit: the writer went past 230 at 23.
		assertThat(this.history.lagNanos(230, 40)).isEqualTo(40 - 23);
		// Never more than the time since the newest sample: past 900 "at 90" is not in the future.
		assertThat(this.history.lagNanos(900, 40)).isZero();
	}

	@Test
	void noExtrapolationFromAWriterThatIsNoLongerSampled() {
		this.history.record(10, 100);
		this.history.record(20, 200);
		assertThat(this.history.lagNanos(230, 20 + 51)).isZero();
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
