package io.github.rwrouting.routing;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The writer scope and the one check the routing policy makes of it.
 */
class WriterRoutingTests {

	private final Route writer = Route.writer("writer", new SimpleDriverDataSource());

	private final Route reader = Route.reader("one", "reader-one", new SimpleDriverDataSource());

	private final ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader),
			NonTransactionalRoute.READER);

	@Test
	void readsInAWriterScopeGoToTheWriterForcedReadsOutsideToTheReader() {
		RouteDecision readOnly = WriterRouting.call(() -> this.policy.decide(true, true));
		RouteDecision nonTransactional = WriterRouting.call(() -> this.policy.decide(false, false));
		assertThat(readOnly.route()).isSameAs(this.writer);
		assertThat(readOnly.reason()).isEqualTo(RouteReason.FORCED);
		assertThat(nonTransactional.route()).isSameAs(this.writer);
		assertThat(nonTransactional.reason()).isEqualTo(RouteReason.FORCED);
		assertThat(this.policy.decide(true, true).route()).isSameAs(this.reader);
	}

	@Test
	void writesInAWriterScopeKeepTheirReason() {
		RouteDecision readWrite = WriterRouting.call(() -> this.policy.decide(false, true));
		assertThat(readWrite.route()).isSameAs(this.writer);
		assertThat(readWrite.reason()).isEqualTo(RouteReason.READ_WRITE);
	}

	@Test
	void aNestedScopeLeavesTheOuterOneOpen() {
		WriterRouting.run(() -> {
			WriterRouting.run(() -> assertThat(WriterRouting.isActive()).isTrue());
			assertThat(WriterRouting.isActive()).isTrue();
		});
		assertThat(WriterRouting.isActive()).isFalse();
	}

	@Test
	void aCheckedExceptionPassesThroughAndClosesTheScope() {
		assertThatIOException().isThrownBy(() -> WriterRouting.call(() -> {
			throw new IOException("failed");
		}));
		assertThat(WriterRouting.isActive()).isFalse();
	}

}
