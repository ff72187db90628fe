package io.github.rwrouting.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.PostgresDialect;
import io.github.rwrouting.topology.ReplicationPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.AbstractDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which consistency outcome a read counts, without a database: the outcome of where the read did
 * run, once, also when its reader turned out promoted or unreachable.
 */
class RoutedConsistencyOutcomeTests {

	private static final long COMMITTED_AT = 1_000_000;

	private final Connection writerConnection = connection();

	private final Connection promotedConnection = connection();

	private final Route writer = Route.writer("writer", dataSource(this.writerConnection));

	private final ConsistencyContext context = new ConsistencyContext();

	private final List<ConsistencyOutcome> outcomes = new CopyOnWriteArrayList<>();

	private final List<Route> routed = new CopyOnWriteArrayList<>();

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, COMMITTED_AT);

	@AfterEach
	void clearScope() {
		this.context.set(null);
	}

	@Test
	void aReadPlannedAgainAfterAPromotedReaderCountsOneOutcome() throws SQLException {
		Route promoted = Route.reader("one", "reader-one", dataSource(this.promotedConnection));
		Route other = Route.reader("two", "reader-two", dataSource(connection()));
		RoutingDataSource routing = routing(List.of(promoted, other));
		this.context.set(new ConsistencyToken(List.of(this.write), COMMITTED_AT + 60_000));
		assertThat(read(routing)).isSameAs(other);
		assertThat(this.outcomes).containsExactly(ConsistencyOutcome.REPLICA_CAUGHT_UP);
	}

	@Test
	void aReadWithoutATokenPlannedAgainAfterAPromotedReaderCountsNoTokenOnce() throws SQLException {
		Route promoted = Route.reader("one", "reader-one", dataSource(this.promotedConnection));
		Route other = Route.reader("two", "reader-two", dataSource(connection()));
		RoutingDataSource routing = routing(List.of(promoted, other));
		assertThat(read(routing)).isSameAs(other);
		assertThat(this.outcomes).containsExactly(ConsistencyOutcome.NO_TOKEN);
	}

	@Test
	void aReadWhoseCaughtUpReaderIsUnreachableDoesNotCountReplicaCaughtUp() throws SQLException {
		Route unreachable = Route.reader("one", "reader-one", new AbstractDataSource() {

			@Override
			public Connection getConnection() throws SQLException {
				throw new SQLTransientConnectionException("reader-one - Connection is not available", "08001");
			}

			@Override
			public Connection getConnection(String username, String password) throws SQLException {
				return getConnection();
			}

		});
		RoutingDataSource routing = routing(List.of(unreachable));
		this.context.set(new ConsistencyToken(List.of(this.write), COMMITTED_AT + 60_000));
		assertThat(read(routing)).isSameAs(this.writer);
		assertThat(this.outcomes).doesNotContain(ConsistencyOutcome.REPLICA_CAUGHT_UP);
	}

	/**
	 * Run a read-only transaction's first statement; return the route it ran on.
	 */
	private Route read(RoutingDataSource routing) throws SQLException {
		this.routed.clear();
		try (Connection connection = routing.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			connection.createClob();
			connection.rollback();
		}
		assertThat(this.routed).hasSize(1);
		return this.routed.get(0);
	}

	private RoutingDataSource routing(List<Route> readers) {
		for (Route reader : readers) {
			NodeState node = reader.node();
			node.markAvailable(0);
			node.status(new NodeStatus(node.name(), false, true, NodeRole.REPLICA, 0, 0, false, Instant.now(), null,
					null, false));
			// The monitor saw it past the write: no check needed.
			node.replayed(new ReplicationPosition(1, 8192), COMMITTED_AT + 1);
		}
		ClusterState cluster = new ClusterState(this.writer.node(), readers.stream().map(Route::node).toList(),
				new PostgresDialect() {

					@Override
					public boolean reportsLeftRecovery(Connection connection) {
						return connection == RoutedConsistencyOutcomeTests.this.promotedConnection;
					}

				});
		cluster.writerIdentified(new ClusterIdentity(7, 1));
		ConsistencyListener counter = new ConsistencyListener() {

			@Override
			public void outcome(ConsistencyOutcome outcome) {
				RoutedConsistencyOutcomeTests.this.outcomes.add(outcome);
			}

			@Override
			public void waited(long nanos, boolean caughtUp) {
			}

		};
		ConsistencyGuard guard = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context, cluster,
				Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(counter),
				() -> COMMITTED_AT + 500);
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, readers, NonTransactionalRoute.WRITER);
		RouteListener listener = (decision) -> this.routed.add(decision.route());
		return new RoutingDataSource(planner, List.of(listener), true, guard, List.of(), cluster);
	}

	private static DataSource dataSource(Connection connection) {
		return new AbstractDataSource() {

			@Override
			public Connection getConnection() {
				return connection;
			}

			@Override
			public Connection getConnection(String username, String password) {
				return connection;
			}

		};
	}

	/**
	 * Stands for a pooled connection: keeps its auto-commit and read-only flags, answers the rest
	 * with nothing.
	 */
	private static Connection connection() {
		boolean[] flags = { true, false };
		return (Connection) Proxy.newProxyInstance(RoutedConsistencyOutcomeTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getAutoCommit" -> flags[0];
					case "setAutoCommit" -> {
						flags[0] = (boolean) args[0];
						yield null;
					}
					case "isReadOnly" -> flags[1];
					case "setReadOnly" -> {
						flags[1] = (boolean) args[0];
						yield null;
					}
					case "getTransactionIsolation" -> Connection.TRANSACTION_READ_COMMITTED;
					case "isWrapperFor", "isClosed" -> false;
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "toString" -> "connection";
					default -> null;
				});
	}

}
