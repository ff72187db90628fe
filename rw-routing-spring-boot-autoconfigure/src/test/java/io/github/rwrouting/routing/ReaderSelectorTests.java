package io.github.rwrouting.routing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderSelectorTests {

	private final Route one = Route.reader("one", "reader-one", new SimpleDriverDataSource());

	private final Route two = Route.reader("two", "reader-two", new SimpleDriverDataSource());

	private final Route three = Route.reader("three", "reader-three", new SimpleDriverDataSource());

	@Test
	void roundRobinSkipsUnavailableReaders() {
		ReaderSelector selector = new ReaderSelector(List.of(this.one, this.two, this.three),
				ReaderBalancing.ROUND_ROBIN);
		this.two.health().markUnavailable(RouteReason.LAG, 5);
		List<Integer> chosen = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			chosen.add(selector.select());
		}
		assertThat(chosen).doesNotContain(1).contains(0, 2);
	}

	@Test
	void leastLagPicksTheReaderClosestToTheWriter() {
		ReaderSelector selector = new ReaderSelector(List.of(this.one, this.two, this.three),
				ReaderBalancing.LEAST_LAG);
		this.one.health().markAvailable(300);
		this.two.health().markAvailable(100);
		this.three.health().markAvailable(200);
		for (int i = 0; i < 5; i++) {
			assertThat(selector.select()).isEqualTo(1);
		}
	}

	@Test
	void leastLagTakesTurnsOnTies() {
		ReaderSelector selector = new ReaderSelector(List.of(this.one, this.two), ReaderBalancing.LEAST_LAG);
		List<Integer> chosen = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			chosen.add(selector.select());
		}
		assertThat(chosen).contains(0, 1);
	}

	@Test
	void noneWhenEveryReaderIsOutWithTheReason() {
		ReaderSelector selector = new ReaderSelector(List.of(this.one, this.two), ReaderBalancing.ROUND_ROBIN);
		this.one.health().markUnavailable(RouteReason.READER_DOWN, 0);
		this.two.health().markUnavailable(RouteReason.READER_DOWN, 0);
		assertThat(selector.select()).isEqualTo(ReaderSelector.NONE);
		assertThat(selector.unavailableReason()).isEqualTo(RouteReason.READER_DOWN);
		this.two.health().markUnavailable(RouteReason.LAG, 0);
		assertThat(selector.unavailableReason()).isEqualTo(RouteReason.LAG);
	}

}
