package io.github.rwrouting.autoconfigure.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Reads that carry a token and ask the replica behind their own connection whether it has replayed
 * the write, against two real replicas.
 */
@ReplicatedPostgres(replicas = 2)
class ReaderCheckConsistencyIntegrationTests {

	private static final int WRITES = 30;

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table notes (id serial primary key, text text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner(String readerUrl, String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"spring.datasource.hikari.maximum-pool-size=6", "rw-routing.readers.replicas.url=" + readerUrl,
					"rw-routing.monitor.interval=100ms", "rw-routing.max-lag=1h",
					"rw-routing.consistency.signing-key=reader-check-signing-key")
			.withPropertyValues(extra);
	}

	/**
	 * Without a monitor nothing is known of the replica: each read asks it, and runs there once it
	 * has replayed the write (at once, or within max-wait), else on the writer.
	 */
	@Test
	void withoutAMonitorEachReadAsksTheReplicaBehindItsConnection() {
		PostgresNode replica = cluster.replica(2);
		runner(replica.jdbcUrl(), "rw-routing.monitor.enabled=false", "rw-routing.consistency.max-wait=2s")
			.run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			consistency.set(null);
			try {
				write(context, jdbc, "checked");
				replica.awaitReplay(cluster.primary().currentLsn(), Duration.ofSeconds(10));
				assertThat(read(context, jdbc, "checked")).isEqualTo(new Read(1, replica.port()));
				assertThat(outcomes(registry, "replica-checked")).isEqualTo(1);
				replica.setApplyDelay(Duration.ofMillis(300));
				try {
					write(context, jdbc, "delayed");
					assertThat(read(context, jdbc, "delayed")).as("waited for").isEqualTo(new Read(1, replica.port()));
					assertThat(outcomes(registry, "replica-waited")).isEqualTo(1);
					assertThat(registry.get(RoutingMetrics.CONSISTENCY_WAIT).tag("result", "caught-up").timer().count())
						.isEqualTo(1);
				}
				finally {
					replica.setApplyDelay(Duration.ZERO);
				}
				replica.pauseReplay();
				try {
					write(context, jdbc, "not yet replayed");
					assertThat(read(context, jdbc, "not yet replayed"))
						.isEqualTo(new Read(1, cluster.primary().port()));
					assertThat(outcomes(registry, "writer-fallback")).isEqualTo(1);
					assertThat(registry.get(RoutingMetrics.CONSISTENCY_WAIT).tag("result", "timed-out").timer().count())
						.isEqualTo(1);
				}
				finally {
					replica.resumeReplay();
				}
			}
			finally {
				consistency.set(null);
			}
		});
	}

	/**
	 * A page view after a write reads twice while the replica lacks the write (replay paused, and
	 * the monitor, polling every 10 s, last saw it with no lag): the first read asks the replica and
	 * falls back to the writer; the second goes to the writer without asking, as the first found the
	 * replica behind and it is taken to stay behind until the monitor measures it again.
	 */
	@Test
	void aPageViewAsksAReplicaThatLacksItsWriteOnceNotTwice() {
		PostgresNode replica = cluster.replica(2);
		runner(replica.jdbcUrl(), "rw-routing.monitor.interval=10s").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			awaitReplicaSeenCaughtUp(context);
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			replica.pauseReplay();
			consistency.set(null);
			try {
				write(context, jdbc, "page view");
				assertThat(read(context, jdbc, "page view")).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(read(context, jdbc, "page view")).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(outcomes(registry, "writer-fallback")).as("asked once").isEqualTo(1);
				assertThat(outcomes(registry, "writer-replica-behind")).as("then not asked").isEqualTo(1);
			}
			finally {
				consistency.set(null);
				replica.resumeReplay();
			}
		});
	}

	/**
	 * A replica applying every commit 300 ms late (the monitor, polling every 10 s, last saw it with
	 * no lag): the first read of a write asks it and falls back to the writer, and the check measures
	 * the replica's lag in the same round trip. The page's next read, at once, is not asked. Once the
	 * write is as old as that lag the replica is asked again, long before the monitor's next poll,
	 * and serves the read: it kept replaying, it did not stand still.
	 */
	@Test
	void aReplicaFoundBehindIsAskedAgainOnceItsMeasuredLagHasPassed() {
		PostgresNode replica = cluster.replica(2);
		runner(replica.jdbcUrl(), "rw-routing.monitor.interval=10s").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			awaitReplicaSeenCaughtUp(context);
			NodeState node = readerNode(context, "replicas");
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			replica.setApplyDelay(Duration.ofMillis(300));
			consistency.set(null);
			try {
				// A commit the replica replays first, so that its last replayed commit is recent.
				write(context, jdbc, "before the lag");
				replica.awaitReplay(cluster.primary().currentLsn(), Duration.ofSeconds(10));
				write(context, jdbc, "lagging");
				long committedAt = consistency.current().entries().get(0).commitTimeMillis();
				assertThat(read(context, jdbc, "lagging")).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(outcomes(registry, "writer-fallback")).as("asked").isEqualTo(1);
				assertThat(node.checkedLagNanos()).as("every commit is applied 300 ms late or later")
					.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
				assertThat(read(context, jdbc, "lagging")).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(outcomes(registry, "writer-replica-behind")).as("then not asked").isEqualTo(1);
				replica.awaitReplay(cluster.primary().currentLsn(), Duration.ofSeconds(10));
				await().atMost(Duration.ofSeconds(5))
					.until(() -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - committedAt) > node
						.checkedLagNanos());
				assertThat(read(context, jdbc, "lagging")).as("asked again before the next poll")
					.isEqualTo(new Read(1, replica.port()));
				assertThat(outcomes(registry, "replica-checked")).isEqualTo(1);
				assertThat(outcomes(registry, "writer-fallback")).isEqualTo(1);
			}
			finally {
				consistency.set(null);
				replica.setApplyDelay(Duration.ZERO);
			}
		});
	}

	private static void awaitReplicaSeenCaughtUp(AssertableApplicationContext context) {
		ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> monitor.writerIdentity() != null && monitor.statuses().get(1).up()
					&& monitor.statuses().get(1).lagBytes() == 0);
	}

	private static NodeState readerNode(AssertableApplicationContext context, String name) {
		return context.getBean(RoutingDataSource.class)
			.getPlanner()
			.readers()
			.stream()
			.filter((reader) -> reader.name().equals(name))
			.findFirst()
			.orElseThrow()
			.node();
	}

	/**
	 * A thread interrupted while its read waits for a paused replica (max-wait 20 s) stops waiting at
	 * once, reads its write on the writer, and still has its interrupt flag set afterwards.
	 */
	@Test
	void anInterruptedReadStopsWaitingForTheReplicaAndRunsOnTheWriter() {
		PostgresNode replica = cluster.replica(2);
		runner(replica.jdbcUrl(), "rw-routing.consistency.max-wait=20s").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.writerIdentity() != null && monitor.statuses().get(1).up());
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			consistency.set(null);
			// This thread's pooled connections, so that no borrow below blocks (an interrupted borrow fails).
			assertThat(read(context, jdbc, "interrupted").port()).isEqualTo(replica.port());
			replica.pauseReplay();
			try {
				write(context, jdbc, "interrupted");
				long start = System.nanoTime();
				Thread.currentThread().interrupt();
				Read read;
				boolean stillInterrupted;
				try {
					read = read(context, jdbc, "interrupted");
				}
				finally {
					stillInterrupted = Thread.interrupted();
				}
				assertThat(read).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(stillInterrupted).as("the interrupt is kept").isTrue();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far below max-wait")
					.isLessThan(Duration.ofSeconds(10));
				assertThat(outcomes(registry, "writer-fallback")).isEqualTo(1);
			}
			finally {
				consistency.set(null);
				replica.resumeReplay();
			}
		});
	}

	/**
	 * The commit position is read in the COMMIT's own round trip: a COMMIT that fails (a deferred
	 * foreign key) still fails the transaction with the database's error, advances no token, and
	 * leaves the connection usable.
	 */
	@Test
	void aFailedCommitFailsTheTransactionAndAdvancesNoToken() throws SQLException {
		Sql.execute(cluster.primary(), "create table parents (id int primary key)");
		Sql.execute(cluster.primary(), "create table children (parent int not null references parents "
				+ "deferrable initially deferred)");
		runner(cluster.replica(2).jdbcUrl(), "spring.datasource.hikari.maximum-pool-size=1").run((context) -> {
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate writes = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			consistency.set(null);
			try {
				assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> writes.executeWithoutResult(
							(status) -> jdbc.sql("insert into children (parent) values (42)").update()))
					.satisfies((ex) -> assertThat(((SQLException) ex.getMostSpecificCause()).getSQLState())
						.isEqualTo("23503"));
				assertThat(consistency.current()).as("no token for a transaction that did not commit").isNull();
				write(context, jdbc, "after a failed commit");
				assertThat(consistency.current()).isNotNull();
				assertThat(consistency.current().entries().get(0).position()).isPositive();
			}
			finally {
				consistency.set(null);
			}
		});
		assertThat(Sql.queryInt(cluster.primary(), "select count(*) from children")).isZero();
		assertThat(Sql.queryInt(cluster.primary(), "select count(*) from notes where text = 'after a failed commit'"))
			.isEqualTo(1);
	}

	/**
	 * One reader whose URL spreads connections over both replicas (a pgjdbc multi-host URL with
	 * {@code loadBalanceHosts}, like a reader endpoint), one of them with replay paused: the replay
	 * position the monitor saw on whichever node its own connection reached says nothing about the
	 * node a read lands on, so every read that carries a token asks its own connection.
	 */
	@Test
	void readsCarryingATokenNeverTrustTheMonitorsNodeAndNeverMissTheirWrite() {
		PostgresNode paused = cluster.replica(1);
		PostgresNode running = cluster.replica(2);
		String spreading = "jdbc:postgresql://127.0.0.1:" + paused.port() + ",127.0.0.1:" + running.port()
				+ paused.jdbcUrl().substring(paused.jdbcUrl().lastIndexOf('/')) + "?loadBalanceHosts=true";
		runner(spreading)
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(RoutingMetrics.class).bindTo(registry);
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> monitor.statuses().stream().allMatch((status) -> status.up()));
				ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				Map<String, Integer> servedBy = new HashMap<>();
				paused.pauseReplay();
				consistency.set(null);
				try {
					for (int i = 0; i < WRITES; i++) {
						String text = "note " + i;
						write(context, jdbc, text);
						// Let the monitor poll after the write: a node it watches may now be past it.
						String written = cluster.primary().currentLsn();
						running.awaitReplay(written, Duration.ofSeconds(10));
						long polls = monitor.statuses().get(1).checkedAt().toEpochMilli();
						await().atMost(Duration.ofSeconds(5))
							.until(() -> monitor.statuses().get(1).checkedAt().toEpochMilli() > polls);
						Read read = read(context, jdbc, text);
						assertThat(read.found()).as("read %d finds its own write", i).isEqualTo(1);
						servedBy.merge(ClusterProperties.nodeName(cluster, read.port()), 1, Integer::sum);
					}
				}
				finally {
					consistency.set(null);
					paused.resumeReplay();
				}
				// Which replica a read could use depends on which node its pooled connection reached.
				assertThat(servedBy).doesNotContainKey(paused.name());
				assertThat(outcomes(registry, "replica-caught-up")).as("reads routed on the monitor's word alone").isZero();
				System.out.printf("spreading reader, %d write-then-read pairs: served by %s%n", WRITES, servedBy);
			});
	}

	/**
	 * Issue 10, a full writer pool: every writer connection is held (by the test, the writer's
	 * connection-timeout is 20 s) and a read carries the token of a write that neither replica has
	 * yet (replay paused on both; the monitor, polling every 2 s, does not know it either). The
	 * reader it is routed to lacks the write, which before sent it to queue for the full writer pool
	 * for the whole connection-timeout; it now asks the readers again, and runs on replica2 once that
	 * replays the write (resumed 300 ms after the read began), well within the monitor interval the
	 * detour may wait ({@code ConsistencyGuard#writerPoolFullWaitNanos}).
	 */
	@Test
	void aTokenReadThatAReplicaCanServeDoesNotQueueForAFullWriterPool() {
		PostgresNode lagging = cluster.replica(1);
		PostgresNode replaying = cluster.replica(2);
		Duration interval = Duration.ofSeconds(2);
		runner(lagging.jdbcUrl(), "rw-routing.readers.second.url=" + replaying.jdbcUrl(),
				"rw-routing.monitor.interval=" + interval.toMillis() + "ms",
				"spring.datasource.hikari.connection-timeout=20000")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(RoutingMetrics.class).bindTo(registry);
				awaitEveryNodeUp(context);
				ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				HikariDataSource writerPool = context.getBean("writerDataSource", HikariDataSource.class);
				ScheduledExecutorService resume = Executors.newSingleThreadScheduledExecutor();
				List<Connection> held = new ArrayList<>();
				lagging.pauseReplay();
				replaying.pauseReplay();
				consistency.set(null);
				try {
					write(context, jdbc, "while the writer pool is full");
					for (int i = 0; i < writerPool.getMaximumPoolSize(); i++) {
						held.add(writerPool.getConnection());
					}
					long start = System.nanoTime();
					resume.schedule(replaying::resumeReplay, 300, TimeUnit.MILLISECONDS);
					Read read = read(context, jdbc, "while the writer pool is full");
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					assertThat(read).as("served by the replica that replayed the write")
						.isEqualTo(new Read(1, replaying.port()));
					assertThat(took).as("within the detour's wait, one monitor interval (the writer's connection-timeout "
							+ "is 20 s)").isLessThan(interval.plusSeconds(1));
					assertThat(outcomes(registry, "replica-checked") + outcomes(registry, "replica-waited")).isEqualTo(1);
					assertThat(outcomes(registry, "writer-fallback") + outcomes(registry, "writer-replica-behind"))
						.isZero();
					assertThat(writerPool.getHikariPoolMXBean().getIdleConnections()).as("writer pool still full")
						.isZero();
				}
				finally {
					for (Connection connection : held) {
						connection.close();
					}
					resume.shutdownNow();
					consistency.set(null);
					lagging.resumeReplay();
					replaying.resumeReplay();
				}
			});
	}

	/**
	 * Issue 10, a full writer pool and an unreachable reader: every writer connection is held (the
	 * writer's connection-timeout is 20 s), and so is every connection of replica1's pool, whose
	 * borrow then times out after the reader pool's 1 s. Reads, with and without the token of a
	 * write, alternate until one was routed to replica1: each runs on a replica, sees its write, and
	 * takes at most one reader borrow timeout, never the writer's.
	 */
	@Test
	void readsWhoseReaderIsUnreachableTryAnotherReaderBeforeAFullWriterPool() {
		runner(cluster.replica(1).jdbcUrl(), "rw-routing.readers.second.url=" + cluster.replica(2).jdbcUrl(),
				"rw-routing.monitor.interval=2s", "spring.datasource.hikari.connection-timeout=20000")
			.run((context) -> {
				awaitEveryNodeUp(context);
				ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				HikariDataSource writerPool = context.getBean("writerDataSource", HikariDataSource.class);
				HikariDataSource saturatedPool = context.getBean("reader-replicasDataSource", HikariDataSource.class);
				NodeState saturated = context.getBean(RoutingDataSource.class)
					.getPlanner()
					.readers()
					.stream()
					.filter((reader) -> reader.name().equals("replicas"))
					.findFirst()
					.orElseThrow()
					.node();
				List<Connection> held = new ArrayList<>();
				consistency.set(null);
				try {
					write(context, jdbc, "reader unreachable");
					ConsistencyToken token = consistency.current();
					for (int i = 0; i < writerPool.getMaximumPoolSize(); i++) {
						held.add(writerPool.getConnection());
					}
					for (int i = 0; i < saturatedPool.getMaximumPoolSize(); i++) {
						held.add(saturatedPool.getConnection());
					}
					// Which reader a read is routed to is the selector's business: alternate kinds of
					// reads (they take turns differently) until one met the saturated pool.
					for (int i = 0; i < 6 && !saturated.isFailureBackoff(); i++) {
						consistency.set((i % 2 == 0) ? token : null);
						long start = System.nanoTime();
						Read read = read(context, jdbc, "reader unreachable");
						Duration took = Duration.ofNanos(System.nanoTime() - start);
						assertThat(read.found()).as("read %d saw its write", i).isEqualTo(1);
						assertThat(read.port()).as("read %d ran on a replica, not the writer", i)
							.isEqualTo(cluster.replica(2).port());
						assertThat(took).as("read %d: one reader borrow timeout (1 s) at most, not the writer's 20 s", i)
							.isLessThan(Duration.ofSeconds(3));
					}
					assertThat(saturated.isFailureBackoff()).as("a read met the saturated reader pool").isTrue();
				}
				finally {
					for (Connection connection : held) {
						connection.close();
					}
					consistency.set(null);
				}
			});
	}

	private static void awaitEveryNodeUp(AssertableApplicationContext context) {
		ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> monitor.writerIdentity() != null
					&& monitor.statuses().stream().allMatch((status) -> status.up() && !status.excluded()));
	}

	private static void write(AssertableApplicationContext context, JdbcClient jdbc, String text) {
		new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
			.executeWithoutResult((status) -> jdbc.sql("insert into notes (text) values (?)").param(text).update());
	}

	private static Read read(AssertableApplicationContext context, JdbcClient jdbc, String text) {
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		return readOnly.execute((status) -> jdbc.sql("select count(*), inet_server_port() from notes where text = ?")
			.param(text)
			.query((rs, row) -> new Read(rs.getInt(1), rs.getInt(2)))
			.single());
	}

	private static double outcomes(SimpleMeterRegistry registry, String outcome) {
		// Registered on first use: an outcome that never happened has no counter.
		Counter counter = registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Read(int found, int port) {

	}

}
