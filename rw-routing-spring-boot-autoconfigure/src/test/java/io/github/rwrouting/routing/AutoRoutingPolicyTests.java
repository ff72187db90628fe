package io.github.rwrouting.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing rules of {@code rw-routing.non-transactional=auto}; the database-backed behaviour is
 * covered by {@code NonTransactionalAutoIntegrationTests}.
 */
class AutoRoutingPolicyTests {

	private final Route writer = Route.writer("writer", new SimpleDriverDataSource());

	private final Route reader = Route.reader("one", "reader-one", new SimpleDriverDataSource());

	@Test
	void onlyAutoRoutesEachStatement() {
		for (NonTransactionalRoute route : NonTransactionalRoute.values()) {
			assertThat(new ReadRoutePlanner(this.writer, List.of(this.reader), route).routesEachStatement())
				.isEqualTo(route == NonTransactionalRoute.AUTO);
		}
	}

	@Test
	void plainReadsGoToAReaderEverythingElseToTheWriter() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader), NonTransactionalRoute.AUTO);
		assertThat(policy.decideStatement(true).route()).isSameAs(this.reader);
		assertThat(policy.decideStatement(true).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
		assertThat(policy.decideStatement(false).route()).isSameAs(this.writer);
		assertThat(policy.decideStatement(false).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
	}

	@Test
	void workWhoseStatementsAreNotKnownGoesToTheWriterAndTransactionsAreUnchanged() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader), NonTransactionalRoute.AUTO);
		assertThat(policy.decide(false, false).route()).isSameAs(this.writer);
		assertThat(policy.decide(false, true).reason()).isEqualTo(RouteReason.READ_WRITE);
		assertThat(policy.decide(true, true).route()).isSameAs(this.reader);
	}

	@Test
	void aPlainReadWithoutReadersGoesToTheWriterSayingWhy() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(), NonTransactionalRoute.AUTO);
		assertThat(policy.decideStatement(true).route()).isSameAs(this.writer);
		assertThat(policy.decideStatement(true).reason()).isEqualTo(RouteReason.READER_DOWN);
	}

	@Test
	void aRefusedWriteHasItsOwnWriterDecision() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader), NonTransactionalRoute.AUTO);
		assertThat(policy.writerDecision(RouteReason.WRITE_REFUSED).route()).isSameAs(this.writer);
		assertThat(policy.decisions()).extracting(RouteDecision::reason).contains(RouteReason.WRITE_REFUSED);
	}

}
