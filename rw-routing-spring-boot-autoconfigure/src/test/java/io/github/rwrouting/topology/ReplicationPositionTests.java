package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationPositionTests {

	@Test
	void aNodeHasAWriteAtOrBeforeItsPositionOnItsOwnTimeline() {
		ReplicationPosition node = new ReplicationPosition(2, 1000);
		assertThat(node.includes(2, 999)).isTrue();
		assertThat(node.includes(2, 1000)).isTrue();
		assertThat(node.includes(2, 1001)).isFalse();
	}

	@Test
	void aNodeOnAnotherTimelineNeverHasTheWriteWhateverItsPosition() {
		ReplicationPosition leftBehind = new ReplicationPosition(1, 50_000_000);
		assertThat(leftBehind.includes(2, 30_000_000)).as("a newer timeline's write").isFalse();
		ReplicationPosition promoted = new ReplicationPosition(3, 50_000_000);
		assertThat(promoted.includes(2, 30_000_000)).as("where timeline 3 forked is not known").isFalse();
	}

	@Test
	void unknownPositionsHaveNothing() {
		assertThat(ReplicationPosition.UNKNOWN.includes(0, -1)).isFalse();
		assertThat(new ReplicationPosition(1, 1000).includes(1, -1)).isFalse();
		assertThat(new ReplicationPosition(ReplicationPosition.UNKNOWN_TIMELINE, 1000).includes(0, 10)).isFalse();
	}

}
