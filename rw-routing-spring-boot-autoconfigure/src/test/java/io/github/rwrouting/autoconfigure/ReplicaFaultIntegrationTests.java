package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica can never hurt the application: frozen, killed, saturated or pointing at the primary,
 * reads complete (on the writer when need be) within a bound derived from the default timeouts,
 * and health stays UP and fast. Against a real primary and streaming replica, with rw-routing's
 * default bounds (monitor interval and timeout 1s, reader borrow timeout 1s).
 */
@ReplicatedPostgres(replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class ReplicaFaultIntegrationTests {

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration QUERY = Duration.ofMillis(200);

	// Slack for a loaded two-core machine running the cluster and the test.
	private static final Duration SLACK = Duration.ofSeconds(3);

	/**
	 * The longest a read may take while the replica freezes or dies: the monitor notices within one
	 * interval plus its timeout, releases what waits on the replica, and the read runs again on the
	 * writer, or waits at most the borrow timeout for a reader connection before it does.
	 */
	private static final Duration READ_BOUND = INTERVAL.plus(MONITOR_TIMEOUT)
		.plus(BORROW_TIMEOUT)
		.plus(QUERY.multipliedBy(2))
		.plus(SLACK);

	private static final int READERS = 4;

	private static PostgresCluster cluster;

	@BeforeAll
	static void start(PostgresCluster postgres) {
		cluster = postgres;
	}

	private ApplicationContextRunner runner(String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, extra));
	}

	@Test
	void aFrozenReplicaReleasesItsReadsToTheWriterWithinTheBound() {
		PostgresNode replica = cluster.replica(1);
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, "replica1");
			try (ReadLoad load = new ReadLoad(context, READERS)) {
				load.awaitReadsOn("replica1", 8);
				long frozenAt = System.nanoTime();
				replica.freeze();
				try {
					await().atMost(Duration.ofSeconds(30)).until(() -> !status(monitor, "replica1").up());
					long detected = System.nanoTime() - frozenAt;
					load.awaitReadsOnAfter("primary", 4 * READERS, frozenAt);
					load.stop(READ_BOUND);
					System.out.printf("frozen replica: detected after %d ms, %s%n",
							TimeUnit.NANOSECONDS.toMillis(detected), load.summary());
					assertThat(load.failures()).as("failed reads").isEmpty();
					assertThat(load.longest()).as("longest read").isLessThan(READ_BOUND);
					assertThat(status(monitor, "replica1").excluded()).isTrue();
					assertThat(status(monitor, "replica1").exclusionReason()).isEqualTo(ExclusionReason.DOWN);
				}
				finally {
					replica.thaw();
				}
			}
			awaitServing(monitor, "replica1");
		});
	}

	@Test
	void aKilledReplicaFailsNoReadAndServesAgainAfterRestart() {
		PostgresNode replica = cluster.replica(1);
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, "replica1");
			try (ReadLoad load = new ReadLoad(context, READERS)) {
				load.awaitReadsOn("replica1", 8);
				long killedAt = System.nanoTime();
				replica.kill();
				try {
					load.awaitReadsOnAfter("primary", 4 * READERS, killedAt);
					await().atMost(Duration.ofSeconds(30)).until(() -> status(monitor, "replica1").excluded());
				}
				finally {
					replica.start();
				}
				long restartedAt = System.nanoTime();
				load.awaitReadsOnAfter("replica1", READERS, restartedAt);
				long back = System.nanoTime() - restartedAt;
				load.stop(READ_BOUND);
				System.out.printf("killed replica: reads back %d ms after restart, %s%n",
						TimeUnit.NANOSECONDS.toMillis(back), load.summary());
				assertThat(load.failures()).as("failed reads").isEmpty();
				assertThat(load.longest()).as("longest read").isLessThan(READ_BOUND);
				// Two polls in a row must succeed before it rejoins.
				assertThat(Duration.ofNanos(back)).isLessThan(INTERVAL.multipliedBy(3).plus(MONITOR_TIMEOUT).plus(SLACK));
			}
		});
	}

	@Test
	void aLongReportOnAHealthyReplicaIsNeverCutShort() {
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, "replica1");
			// Longer than every bound on waiting (borrow, connect, monitor timeout) put together.
			Duration report = INTERVAL.plus(MONITOR_TIMEOUT).plus(BORROW_TIMEOUT).plusSeconds(2);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			long started = System.nanoTime();
			Integer port = readOnly.execute((status) -> jdbc
				.sql("select inet_server_port() from pg_sleep(" + report.toMillis() / 1000.0 + ")")
				.query(Integer.class)
				.single());
			assertThat(ClusterProperties.nodeName(cluster, port)).isEqualTo("replica1");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(report);
			assertThat(status(monitor, "replica1").excluded()).isFalse();
		});
	}

	@Test
	void aSaturatedReaderPoolSendsReadsToTheWriterAfterOneBorrowTimeout() throws Exception {
		runner("rw-routing.readers.replica1.hikari.maximum-pool-size=2").run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			SimpleMeterRegistry registry = bindMeters(context);
			awaitServing(monitor, "replica1");
			HikariDataSource readerPool = context.getBean("reader-replica1DataSource", HikariDataSource.class);
			List<Connection> held = new ArrayList<>();
			try {
				// Every connection of the reader pool busy (a report, a leak); the monitor's own is fine.
				for (int i = 0; i < 2; i++) {
					held.add(readerPool.getConnection());
				}
				long started = System.nanoTime();
				String first = read(context);
				long firstTook = System.nanoTime() - started;
				long secondStarted = System.nanoTime();
				String second = read(context);
				long secondTook = System.nanoTime() - secondStarted;
				System.out.printf("saturated reader pool: first read %d ms, next %d ms%n",
						TimeUnit.NANOSECONDS.toMillis(firstTook), TimeUnit.NANOSECONDS.toMillis(secondTook));
				assertThat(first).isEqualTo("primary");
				assertThat(second).isEqualTo("primary");
				assertThat(Duration.ofNanos(firstTook)).isLessThan(BORROW_TIMEOUT.plus(SLACK));
				// Excluded by the first failure: the next read does not wait for the pool again.
				assertThat(Duration.ofNanos(secondTook)).isLessThan(BORROW_TIMEOUT);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> status(monitor, "replica1").exclusionReason() == ExclusionReason.CONNECTION_FAILURES);
				assertThat(status(monitor, "replica1").up()).isTrue();
				assertThat(registry.get(RoutingMetrics.REPLICA_EXCLUDED).tag("replica", "replica1").gauge().value())
					.isEqualTo(1);
			}
			finally {
				for (Connection connection : held) {
					connection.close();
				}
			}
			awaitServing(monitor, "replica1");
			assertThat(read(context)).isEqualTo("replica1");
		});
	}

	@Test
	void healthStaysUpAndAnswersFastWhileTheReplicaIsFrozenOrDead() {
		PostgresNode replica = cluster.replica(1);
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, "replica1");
			HealthIndicator rwRouting = context.getBean(RwRoutingHealthIndicator.class);
			HealthContributor db = context.getBean("dbHealthContributor", HealthContributor.class);
			replica.freeze();
			try {
				// Straight away, before the monitor noticed, and after.
				assertFastAndUp(rwRouting, db);
				await().atMost(Duration.ofSeconds(30)).until(() -> !status(monitor, "replica1").up());
				Health health = assertFastAndUp(rwRouting, db);
				assertThat(readerDetails(health, "replica1")).containsEntry("up", false)
					.containsEntry("excluded", true)
					.containsEntry("exclusionReason", "down");
			}
			finally {
				replica.thaw();
			}
			awaitServing(monitor, "replica1");
			replica.stop();
			try {
				await().atMost(Duration.ofSeconds(30)).until(() -> !status(monitor, "replica1").up());
				assertFastAndUp(rwRouting, db);
			}
			finally {
				replica.start();
			}
			awaitServing(monitor, "replica1");
		});
	}

	@Test
	void aReaderOnThePrimaryServesAndIsReportedOnce(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingHealthAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + password(),
					// The same node under another spelling: only the monitor can tell.
					"rw-routing.readers.main.url=" + cluster.primary().jdbcUrl().replace("127.0.0.1", "localhost"))
			.run((context) -> {
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> status(monitor, "main").servedByWriterNode());
				await().atMost(Duration.ofSeconds(30)).until(() -> status(monitor, "main").up()
						&& !status(monitor, "main").excluded());
				assertThat(read(context)).isEqualTo("primary");
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(readerDetails(health, "main")).containsEntry("writerNode", true)
					.containsEntry("role", "primary");
				// One warning per state change, not one per poll: three more polls say nothing.
				java.time.Instant seen = status(monitor, "main").checkedAt();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> status(monitor, "main").checkedAt().isAfter(seen.plus(INTERVAL.multipliedBy(3))));
				assertThat(output.getOut() + output.getErr())
					.containsOnlyOnce("reader 'main' reaches the writer's own node");
			});
	}

	@Test
	void aWriterOnAStandbyRetiresItsPoolOncePerRoleChangeThenWithBackoff(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + cluster.replica(1).jdbcUrl(),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + password(), "rw-routing.monitor.interval=100ms",
					// Routing (and with it the monitor) only steps in with a reader.
					"rw-routing.readers.replica1.url=" + cluster.replica(1).jdbcUrl())
			.run((context) -> {
				WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> evictor.evictions() >= 1);
				long first = System.nanoTime();
				// 60 polls of a writer that stays on a standby.
				await().atMost(Duration.ofSeconds(60))
					.until(() -> System.nanoTime() - first > TimeUnit.SECONDS.toNanos(6)
							&& monitor.statuses().get(0).isDemotedWriter());
				long evictions = evictor.evictions();
				System.out.printf("writer on a standby: %d retirements in %d ms of 100ms polls%n", evictions,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first));
				// Backoff 0.5s, 1s, 2s, 4s: at most 5 in the first 6+ s (not one per poll, 60).
				assertThat(evictions).isBetween(2L, 6L);
				String log = output.getOut() + output.getErr();
				assertThat(log).containsOnlyOnce("the writer pool reaches a replica");
				assertThat(countOf(log, "rw-routing retired the connections of pool writer")).isEqualTo(1);
			});
	}

	private static String password() {
		return (cluster.password() != null) ? cluster.password() : "";
	}

	private static int countOf(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

	private static Health assertFastAndUp(HealthIndicator rwRouting, HealthContributor db) {
		long started = System.nanoTime();
		Health routingHealth = rwRouting.health(true);
		Map<String, Status> dbStatuses = new java.util.TreeMap<>();
		for (HealthContributors.Entry entry : (CompositeHealthContributor) db) {
			dbStatuses.put(entry.name(), ((HealthIndicator) entry.contributor()).health(true).getStatus());
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.printf("health answered in %d ms: rwRouting %s, db %s%n", took.toMillis(),
				routingHealth.getStatus(), dbStatuses);
		assertThat(routingHealth.getStatus()).isEqualTo(Status.UP);
		assertThat(dbStatuses).containsOnlyKeys("dataSource", "writerDataSource").allSatisfy((name, status) ->
				assertThat(status).isEqualTo(Status.UP));
		// Far below the monitor's timeout plus any reader's: it never waits on the reader.
		assertThat(took).isLessThan(MONITOR_TIMEOUT);
		return routingHealth;
	}

	private static void awaitServing(ReplicaMonitor monitor, String reader) {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> status(monitor, reader).up() && !status(monitor, reader).excluded());
	}

	private static NodeStatus status(ReplicaMonitor monitor, String name) {
		return monitor.statuses().stream().filter((status) -> status.name().equals(name)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readerDetails(Health health, String reader) {
		Map<String, Object> readers = (Map<String, Object>) health.getDetails().get("readers");
		return (Map<String, Object>) readers.get(reader);
	}

	private static SimpleMeterRegistry bindMeters(AssertableApplicationContext context) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		context.getBean(RoutingMetrics.class).bindTo(registry);
		return registry;
	}

	private static String read(AssertableApplicationContext context) {
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		Integer port = readOnly.execute((status) -> jdbc.sql("select inet_server_port()").query(Integer.class).single());
		return ClusterProperties.nodeName(cluster, port);
	}

	/**
	 * Threads running read-only transactions of {@link #QUERY} each, back to back, recording where
	 * each ran, how long it took and whether it failed.
	 */
	private static final class ReadLoad implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Thread> threads = new ArrayList<>();

		private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

		private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

		ReadLoad(AssertableApplicationContext context, int threadCount) {
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			String sql = "select inet_server_port() from pg_sleep(" + QUERY.toMillis() / 1000.0 + ")";
			for (int i = 0; i < threadCount; i++) {
				Thread thread = new Thread(() -> {
					while (this.running.get()) {
						long started = System.nanoTime();
						try {
							Integer port = readOnly
								.execute((status) -> jdbc.sql(sql).query(Integer.class).single());
							long ended = System.nanoTime();
							this.reads.add(new Read(ClusterProperties.nodeName(cluster, port), started, ended));
						}
						catch (RuntimeException ex) {
							this.failures.add(ex);
							this.reads.add(new Read("failed", started, System.nanoTime()));
						}
					}
				}, "fault-read-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		void awaitReadsOn(String node, int count) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> this.reads.stream().filter((read) -> read.node.equals(node)).count() >= count);
		}

		void awaitReadsOnAfter(String node, int count, long startedAfter) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> this.reads.stream()
					.filter((read) -> read.node.equals(node) && read.started - startedAfter > 0)
					.count() >= count);
		}

		/**
		 * Stop and wait for every thread: a read stuck on a frozen replica keeps its thread alive.
		 */
		void stop(Duration bound) throws InterruptedException {
			this.running.set(false);
			long deadline = System.nanoTime() + bound.toNanos();
			for (Thread thread : this.threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				assertThat(thread.isAlive()).as("%s still blocked in a read", thread.getName()).isFalse();
			}
		}

		List<Throwable> failures() {
			return List.copyOf(this.failures);
		}

		Duration longest() {
			return Duration.ofNanos(this.reads.stream().mapToLong((read) -> read.ended - read.started).max().orElse(0));
		}

		String summary() {
			Map<String, Long> byNode = new java.util.TreeMap<>();
			this.reads.forEach((read) -> byNode.merge(read.node, 1L, Long::sum));
			return this.reads.size() + " reads " + byNode + ", " + this.failures.size() + " failed, longest "
					+ longest().toMillis() + " ms";
		}

		@Override
		public void close() {
			this.running.set(false);
		}

		private record Read(String node, long started, long ended) {
		}

	}

}
