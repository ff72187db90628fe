package io.github.rwrouting.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.routing.NonTransactionalRoute;
import io.github.rwrouting.routing.ReadRoutePlanner;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.PostgresDialect;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The routing overhead measured the way a noisy 2-core machine allows: the direct and the routed path
 * alternate in short rounds against the same cluster and pools, and the medians are compared, so
 * that drift over time (which JMH's one-parameter-after-the-other order turns into a bias) cancels
 * out. Usage: {@code java -cp benchmarks.jar io.github.rwrouting.benchmarks.InterleavedOverhead
 * [rounds] [transactions per round]}.
 */
public final class InterleavedOverhead {

	private InterleavedOverhead() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int perRound = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		int warmupRounds = 3;
		try (PostgresCluster cluster = PostgresCluster.builder().replicas(1).start();
				HikariDataSource writer = pool(cluster, "writer", cluster.primary().jdbcUrl(), false);
				HikariDataSource reader = pool(cluster, "reader-replica1", cluster.replica(1).jdbcUrl(), true)) {
			ReadRoutePlanner policy = new ReadRoutePlanner(Route.writer("writer", writer),
					List.of(Route.reader("replica1", "reader-replica1", reader)), NonTransactionalRoute.WRITER);
			ConsistencyGuard consistency = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES,
					new ConsistencyContext(), clusterState(policy), Duration.ofMillis(20),
					Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), System::currentTimeMillis);
			DataSource routed = new RoutingDataSource(policy, List.of(), true, consistency);
			Path direct = new Path(reader);
			Path routing = new Path(routed);
			long[] directNanos = new long[rounds];
			long[] routedNanos = new long[rounds];
			for (int round = -warmupRounds; round < rounds; round++) {
				// alternate which path goes first, so that neither always runs on a warmer machine
				boolean directFirst = (round & 1) == 0;
				long first = (directFirst ? direct : routing).run(perRound);
				long second = (directFirst ? routing : direct).run(perRound);
				if (round >= 0) {
					directNanos[round] = directFirst ? first : second;
					routedNanos[round] = directFirst ? second : first;
				}
			}
			double directMedian = median(directNanos) / 1000.0;
			double routedMedian = median(routedNanos) / 1000.0;
			System.out.printf(Locale.ROOT,
					"read-only SELECT 1 transaction, %d rounds x %d per path: median %.2f us direct (%.0f ops/s), "
							+ "%.2f us routed (%.0f ops/s), throughput ratio routed/direct %.3f%n",
					rounds, perRound, directMedian, 1e6 / directMedian, routedMedian, 1e6 / routedMedian,
					directMedian / routedMedian);
		}
	}

	private static HikariDataSource pool(PostgresCluster cluster, String name, String url, boolean readOnly) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(url);
		pool.setUsername(cluster.username());
		pool.setPassword(cluster.password());
		pool.setReadOnly(readOnly);
		pool.setMaximumPoolSize(4);
		return pool;
	}

	private static double median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return ((sorted.length % 2) == 0) ? (sorted[middle - 1] + sorted[middle]) / 2.0 : sorted[middle];
	}

	private static final class Path {

		private final TransactionTemplate readOnly;

		private final JdbcTemplate jdbc;

		Path(DataSource dataSource) {
			this.readOnly = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			this.readOnly.setReadOnly(true);
			this.jdbc = new JdbcTemplate(dataSource);
		}

		/**
		 * Mean nanoseconds per transaction over a round.
		 */
		long run(int transactions) {
			long start = System.nanoTime();
			for (int i = 0; i < transactions; i++) {
				this.readOnly.execute((status) -> this.jdbc.queryForObject("SELECT 1", Integer.class));
			}
			return (System.nanoTime() - start) / transactions;
		}

	}

	/**
	 * The cluster state routing and consistency read, with the PostgreSQL dialect and no monitor.
	 */
	static ClusterState clusterState(ReadRoutePlanner planner) {
		return new ClusterState(planner.writer().node(), planner.readers().stream().map(Route::node).toList(),
				new PostgresDialect());
	}

}
