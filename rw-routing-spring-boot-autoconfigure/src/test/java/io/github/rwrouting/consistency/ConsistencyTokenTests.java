package io.github.rwrouting.consistency;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTokenTests {

	@Test
	void advancingKeepsTheNewestPositionPerCluster() {
		ConsistencyToken token = new ConsistencyToken(List.of(new ConsistencyToken.Entry(1, 1, 100, 10)), 1000);
		ConsistencyToken advanced = token.advance(new ConsistencyToken.Entry(1, 1, 200, 20), 2000);
		assertThat(advanced.entryFor(1).position()).isEqualTo(200);
		assertThat(advanced.expiresAtMillis()).isEqualTo(2000);
		ConsistencyToken notBack = advanced.advance(new ConsistencyToken.Entry(1, 1, 150, 30), 1500);
		assertThat(notBack.entryFor(1).position()).isEqualTo(200);
		assertThat(notBack.expiresAtMillis()).isEqualTo(2000);
	}

	@Test
	void aNewerTimelineWinsWhateverItsPosition() {
		ConsistencyToken token = new ConsistencyToken(List.of(new ConsistencyToken.Entry(1, 1, 900, 10)), 1000);
		ConsistencyToken merged = token.advance(new ConsistencyToken.Entry(1, 2, 100, 20), 1000);
		assertThat(merged.entryFor(1)).isEqualTo(new ConsistencyToken.Entry(1, 2, 100, 20));
	}

	@Test
	void mergingKeepsEveryCluster() {
		ConsistencyToken first = new ConsistencyToken(List.of(new ConsistencyToken.Entry(1, 1, 100, 10)), 1000);
		ConsistencyToken second = new ConsistencyToken(List.of(new ConsistencyToken.Entry(2, 1, 50, 20)), 3000);
		ConsistencyToken merged = first.merge(second);
		assertThat(merged.entries()).hasSize(2);
		assertThat(merged.entryFor(2).position()).isEqualTo(50);
		assertThat(merged.expiresAtMillis()).isEqualTo(3000);
		assertThat(merged.entryFor(3)).isNull();
	}

	@Test
	void anEntryForAnyClusterAppliesWhereNoEntryIsExact() {
		ConsistencyToken token = new ConsistencyToken(List.of(new ConsistencyToken.Entry(ConsistencyToken.ANY_CLUSTER, 0,
				-1, 10), new ConsistencyToken.Entry(2, 1, 50, 20)), 1000);
		assertThat(token.entryFor(2).position()).isEqualTo(50);
		assertThat(token.entryFor(7).clusterId()).isEqualTo(ConsistencyToken.ANY_CLUSTER);
		ConsistencyToken merged = token.advance(new ConsistencyToken.Entry(7, 1, 70, 30), 1000);
		assertThat(merged.entries()).hasSize(3);
	}

	@Test
	void expires() {
		ConsistencyToken token = new ConsistencyToken(List.of(), 1000);
		assertThat(token.isExpired(999)).isFalse();
		assertThat(token.isExpired(1000)).isTrue();
	}

}
