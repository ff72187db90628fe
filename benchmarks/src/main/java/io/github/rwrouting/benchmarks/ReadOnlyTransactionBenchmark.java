package io.github.rwrouting.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.PostgresDialect;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A read-only transaction running {@code SELECT 1}: through the routing {@code DataSource} (which
 * sends it to the replica) against the same transaction straight on a Hikari pool to that replica.
 * The difference is the routing overhead: the deferred connection, the decision, the statement guard.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class ReadOnlyTransactionBenchmark {

	/**
	 * {@code routed}: through RoutingDataSource; {@code direct}: through the replica's pool only.
	 */
	@Param({ "direct", "routed" })
	public String path;

	private PostgresCluster cluster;

	private HikariDataSource writerPool;

	private HikariDataSource readerPool;

	private TransactionTemplate readOnly;

	private JdbcTemplate jdbc;

	@Setup(Level.Trial)
	public void start() {
		this.cluster = PostgresCluster.builder().replicas(1).start();
		PostgresNode replica = this.cluster.replica(1);
		this.writerPool = pool("writer", this.cluster.primary().jdbcUrl(), false);
		this.readerPool = pool("reader-replica1", replica.jdbcUrl(), true);
		DataSource dataSource = this.readerPool;
		if ("routed".equals(this.path)) {
			ReadRoutePlanner policy = new ReadRoutePlanner(Route.writer("writer", this.writerPool),
					List.of(Route.reader("replica1", "reader-replica1", this.readerPool)), NonTransactionalRoute.WRITER);
			// As auto-configured: read-your-writes consistency on (these reads carry no token).
			ClusterState state = InterleavedOverhead.clusterState(policy, new PostgresDialect());
			ConsistencyGuard consistency = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES,
					new ConsistencyContext(), state, Duration.ofMillis(20),
					Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), System::currentTimeMillis);
			dataSource = new RoutingDataSource(policy, List.of(), true, consistency, List.of(), state);
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.readOnly = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.readOnly.setReadOnly(true);
		Boolean inRecovery = this.readOnly
			.execute((status) -> this.jdbc.queryForObject("select pg_is_in_recovery()", Boolean.class));
		if (!Boolean.TRUE.equals(inRecovery)) {
			throw new IllegalStateException("The read-only transaction did not run on the replica");
		}
	}

	private HikariDataSource pool(String name, String url, boolean readOnly) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(url);
		pool.setUsername(this.cluster.username());
		pool.setPassword(this.cluster.password());
		pool.setReadOnly(readOnly);
		pool.setMaximumPoolSize(4);
		return pool;
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.writerPool.close();
		this.readerPool.close();
		this.cluster.close();
	}

	@Benchmark
	public Integer readOnlySelectOne() {
		return this.readOnly.execute((status) -> this.jdbc.queryForObject("SELECT 1", Integer.class));
	}

}
