package io.github.rwrouting.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.PostgresDialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader connection reporting its server promoted, without a database: the reader is excluded and
 * reads are planned elsewhere; a dialect or driver that reports nothing never excludes one.
 */
class PromotedReaderRoutingTests {

	private final Route writer = Route.writer("writer", dataSource());

	private final Route reader1 = Route.reader("one", "reader-one", dataSource());

	private final Route reader2 = Route.reader("two", "reader-two", dataSource());

	private final ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2),
			NonTransactionalRoute.WRITER);

	// A PostgreSQL dialect whose every connection reports its server out of recovery.
	private final DatabaseDialect reportsPromotion = new PostgresDialect() {

		@Override
		public boolean reportsLeftRecovery(Connection connection) {
			return true;
		}

	};

	// Stands for any driver's connection: only the dialect looks at it.
	private final Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
			new Class<?>[] { Connection.class }, (proxy, method, args) -> {
				if (method.getName().equals("isWrapperFor")) {
					return false;
				}
				throw new UnsupportedOperationException(method.getName());
			});

	@BeforeEach
	void readersSeenAsReplicas() {
		for (Route reader : List.of(this.reader1, this.reader2)) {
			NodeState node = reader.node();
			node.markAvailable(0);
			node.status(new NodeStatus(node.name(), false, true, NodeRole.REPLICA, 0, 0, false, Instant.now(), null,
					null, false));
		}
	}

	@Test
	void aReaderReportedPromotedIsExcludedAndReadsGoToTheOtherReader() {
		RoutingDataSource routing = routing(this.reportsPromotion);
		assertThat(routing.readerLeftRecovery(this.reader1, this.connection)).isTrue();
		assertThat(this.reader1.node().unavailableReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
		for (int i = 0; i < 4; i++) {
			assertThat(this.planner.decide(true, true).route()).isSameAs(this.reader2);
		}
	}

	@Test
	void withEveryReaderReportedPromotedReadsGoToTheWriterAsReaderDown() {
		RoutingDataSource routing = routing(this.reportsPromotion);
		routing.readerLeftRecovery(this.reader1, this.connection);
		routing.readerLeftRecovery(this.reader2, this.connection);
		RouteDecision decision = this.planner.decide(true, true);
		assertThat(decision.route()).isSameAs(this.writer);
		assertThat(decision.reason()).isEqualTo(RouteReason.READER_DOWN);
	}

	@Test
	void aConnectionOfAnotherDriverReportsNothing() {
		RoutingDataSource routing = routing(new PostgresDialect());
		assertThat(routing.readerLeftRecovery(this.reader1, this.connection)).isFalse();
		assertThat(this.reader1.node().isAvailable()).isTrue();
	}

	@Test
	void mariaDbReportsNothing() {
		RoutingDataSource routing = routing(new MariaDbDialect());
		assertThat(routing.readerLeftRecovery(this.reader1, this.connection)).isFalse();
		assertThat(this.reader1.node().isAvailable()).isTrue();
	}

	@Test
	void withoutAClusterStatePromotionsAreLeftToTheMonitor() {
		RoutingDataSource routing = new RoutingDataSource(this.planner, List.of(), true);
		assertThat(routing.readerLeftRecovery(this.reader1, this.connection)).isFalse();
		assertThat(this.reader1.node().isAvailable()).isTrue();
	}

	private RoutingDataSource routing(DatabaseDialect dialect) {
		ClusterState cluster = new ClusterState(this.writer.node(), List.of(this.reader1.node(), this.reader2.node()),
				dialect);
		return new RoutingDataSource(this.planner, List.of(), true, null, List.of(), cluster);
	}

	private static DataSource dataSource() {
		return new SimpleDriverDataSource();
	}

}
