package io.github.rwrouting.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
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
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The routing overhead measured the way a noisy 2-core machine allows: the direct and the routed path
 * alternate in short rounds against the same cluster and pools, and the medians are compared, so
 * that drift over time (which JMH's one-parameter-after-the-other order turns into a bias) cancels
 * out. Each round's pair gives one ratio (the two halves of a round run seconds apart, so a load spike
 * from another process hits both or neither far more often than two medians over minutes); the
 * median of those ratios is reported with its distribution-free 95% confidence interval (order
 * statistics of the binomial sign test) and its quartiles. Usage: {@code java -cp benchmarks.jar
 * io.github.rwrouting.benchmarks.InterleavedOverhead [--database postgresql|mariadb] [rounds] [transactions per
 * round]} (default PostgreSQL, 60 x 3000).
 */
public final class InterleavedOverhead {

	private InterleavedOverhead() {
	}

	public static void main(String[] args) throws Exception {
		String database = BenchmarkCluster.databaseOption(args);
		List<String> counts = positional(args);
		int rounds = (counts.size() > 0) ? Integer.parseInt(counts.get(0)) : 60;
		int perRound = (counts.size() > 1) ? Integer.parseInt(counts.get(1)) : 3_000;
		int warmupRounds = 3;
		try (BenchmarkCluster cluster = BenchmarkCluster.start(database, 100);
				HikariDataSource writer = pool(cluster, "writer", cluster.writerUrl(), false);
				HikariDataSource reader = pool(cluster, "reader-replica1", cluster.readerUrl(), true)) {
			System.out.println(cluster.describe());
			ReadRoutePlanner policy = new ReadRoutePlanner(Route.writer("writer", writer),
					List.of(Route.reader("replica1", "reader-replica1", reader)), NonTransactionalRoute.WRITER);
			// As auto-configured: the cluster state shared by the guard and the data source (which
			// checks each reader connection for a promotion).
			ClusterState state = clusterState(policy, cluster.dialect());
			ConsistencyGuard consistency = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES,
					new ConsistencyContext(), state, Duration.ofMillis(20),
					Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), System::currentTimeMillis);
			DataSource routed = new RoutingDataSource(policy, List.of(), true, consistency, List.of(), state);
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
			double[] ratios = new double[rounds];
			int atGoal = 0;
			for (int round = 0; round < rounds; round++) {
				ratios[round] = (double) directNanos[round] / routedNanos[round];
				atGoal += (ratios[round] >= GOAL) ? 1 : 0;
			}
			Arrays.sort(ratios);
			// The median lies between the k-th smallest and the k-th largest ratio with 95% confidence.
			int k = Math.max(0, (int) Math.floor((rounds - 1.96 * Math.sqrt(rounds)) / 2) - 1);
			System.out.printf(Locale.ROOT,
					"per-round throughput ratio routed/direct: median %.3f, 95%% CI of the median [%.3f, %.3f], "
							+ "quartiles %.3f-%.3f, min %.3f, max %.3f; %d of %d rounds >= %.2f%n",
					quantile(ratios, 0.5), ratios[k], ratios[rounds - 1 - k], quantile(ratios, 0.25),
					quantile(ratios, 0.75), ratios[0], ratios[rounds - 1], atGoal, rounds, GOAL);
		}
	}

	private static final double GOAL = 0.98;

	private static double quantile(double[] sorted, double q) {
		double position = q * (sorted.length - 1);
		int below = (int) Math.floor(position);
		int above = Math.min(sorted.length - 1, below + 1);
		return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
	}

	// the arguments without --database and its value
	private static List<String> positional(String[] args) {
		List<String> positional = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--database")) {
				i++;
			}
			else if (!args[i].startsWith("--database=")) {
				positional.add(args[i]);
			}
		}
		return positional;
	}

	private static HikariDataSource pool(BenchmarkCluster cluster, String name, String url, boolean readOnly) {
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
	 * The cluster state routing and consistency read, with the given dialect and no monitor.
	 */
	static ClusterState clusterState(ReadRoutePlanner planner, DatabaseDialect dialect) {
		return new ClusterState(planner.writer().node(), planner.readers().stream().map(Route::node).toList(),
				dialect);
	}

}
