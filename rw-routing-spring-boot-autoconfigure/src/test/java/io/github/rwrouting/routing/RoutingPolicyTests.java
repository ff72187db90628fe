package io.github.rwrouting.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Pure routing rules; the database-backed behaviour is covered by the integration tests.
 */
class RoutingPolicyTests {

	private final Route writer = Route.writer("writer", dataSource());

	private final Route reader1 = Route.reader("one", "reader-one", dataSource());

	private final Route reader2 = Route.reader("two", "reader-two", dataSource());

	@Test
	void readOnlyWorkGoesToAReader() {
		RoutingPolicy policy = new RoutingPolicy(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		RouteDecision decision = policy.decide(true, true);
		assertThat(decision.route()).isSameAs(this.reader1);
		assertThat(decision.reason()).isEqualTo(RouteReason.READ_ONLY);
	}

	@Test
	void readWriteTransactionGoesToTheWriter() {
		RoutingPolicy policy = new RoutingPolicy(this.writer, List.of(this.reader1), NonTransactionalRoute.READER);
		RouteDecision decision = policy.decide(false, true);
		assertThat(decision.route()).isSameAs(this.writer);
		assertThat(decision.reason()).isEqualTo(RouteReason.READ_WRITE);
	}

	@Test
	void nonTransactionalWorkFollowsTheSetting() {
		RoutingPolicy toWriter = new RoutingPolicy(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		RoutingPolicy toReader = new RoutingPolicy(this.writer, List.of(this.reader1), NonTransactionalRoute.READER);
		assertThat(toWriter.decide(false, false).route()).isSameAs(this.writer);
		assertThat(toWriter.decide(false, false).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
		assertThat(toReader.decide(false, false).route()).isSameAs(this.reader1);
		assertThat(toReader.decide(false, false).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
	}

	@Test
	void readOnlyWorkFallsBackToTheWriterWithoutReaders() {
		RoutingPolicy policy = new RoutingPolicy(this.writer, List.of(), NonTransactionalRoute.READER);
		assertThat(policy.decide(true, true).route()).isSameAs(this.writer);
		assertThat(policy.decide(true, true).reason()).isEqualTo(RouteReason.READER_DOWN);
		assertThat(policy.decide(false, false).reason()).isEqualTo(RouteReason.READER_DOWN);
	}

	@Test
	void readersTakeTurns() {
		RoutingPolicy policy = new RoutingPolicy(this.writer, List.of(this.reader1, this.reader2),
				NonTransactionalRoute.WRITER);
		Set<Route> seen = new HashSet<>();
		Route previous = null;
		for (int i = 0; i < 10; i++) {
			Route route = policy.decide(true, true).route();
			assertThat(route).isNotSameAs(previous);
			seen.add(route);
			previous = route;
		}
		assertThat(seen).containsExactlyInAnyOrder(this.reader1, this.reader2);
	}

	@Test
	void decisionsAreSharedSoRoutingAllocatesNothing() {
		RoutingPolicy policy = new RoutingPolicy(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		assertThat(policy.decide(true, true)).isSameAs(policy.decide(true, true));
		assertThat(policy.decide(false, true)).isSameAs(policy.decide(false, true));
	}

	@Test
	void rejectsAReaderAsWriter() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RoutingPolicy(this.reader1, List.of(), NonTransactionalRoute.WRITER));
	}

	private static DataSource dataSource() {
		return new SimpleDriverDataSource();
	}

}
