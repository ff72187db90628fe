package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingHealthAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replica monitor, its health and its metrics against a real MariaDB primary with two GTID
 * replicas, with each driver: replay paused on one (real lag: excluded, rejoins), both stopped
 * (reads go to the writer at once, never fail; excluded; back once started), an idle primary.
 */
@ReplicatedMariaDb(replicas = 2)
class MariaDbReplicaMonitorIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		MariaDbSql.execute(cluster.primary(),
				"create table events (id int auto_increment primary key, note varchar(100))");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner(MariaDbDriver driver) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(driver.properties(cluster, "rw-routing.monitor.interval=" + INTERVAL.toMillis() + "ms",
					"rw-routing.max-lag=500ms", "spring.datasource.hikari.connection-timeout=2000"));
	}

	@ParameterizedTest
	@EnumSource
	void pausedReplicaLagsIsExcludedAndRejoins(MariaDbDriver driver) {
		runner(driver).run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitAllUp(monitor);
			MariaDbNode paused = cluster.replica(1);
			paused.pauseReplay();
			try {
				insertOnPrimary("while paused " + driver);
				long written = System.nanoTime();
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> lagGauge(registry, RoutingMetrics.REPLICA_LAG_BYTES, "replica1") > 0);
				long behindSeen = System.nanoTime() - written;
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> lagGauge(registry, RoutingMetrics.REPLICA_LAG, "replica1") > 0);
				long timeSeen = System.nanoTime() - written;
				System.out.printf("MariaDB (%s) replica lag visible after a write: transactions %d ms, time %d ms "
						+ "(interval %d ms)%n", driver, TimeUnit.NANOSECONDS.toMillis(behindSeen),
						TimeUnit.NANOSECONDS.toMillis(timeSeen), INTERVAL.toMillis());
				assertThat(lagGauge(registry, RoutingMetrics.REPLICA_LAG_BYTES, "replica1"))
					.as("one transaction behind").isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> status(monitor, "replica1").excluded());
				assertThat(lagGauge(registry, RoutingMetrics.REPLICA_EXCLUDED, "replica1")).isEqualTo(1);
				assertThat(lagGauge(registry, RoutingMetrics.REPLICA_EXCLUDED, "replica2")).isZero();
				assertThat(lagGauge(registry, RoutingMetrics.REPLICA_LAG, "replica2")).isZero();
				assertThat(readNodes(context, 10)).containsOnly("replica2");
				assertThat(registry.get(RoutingMetrics.ROUTES)
					.tags("target", "replica2", "reason", "read-only")
					.counter()
					.count()).isGreaterThanOrEqualTo(10);
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(readerDetails(health, "replica1")).containsEntry("excluded", true)
					.containsEntry("role", "replica")
					.containsEntry("lagBytes", 1L)
					.containsKey("exclusionReason");
				assertThat(readerDetails(health, "replica2")).containsEntry("excluded", false);
			}
			finally {
				paused.resumeReplay();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> !status(monitor, "replica1").excluded());
			assertThat(lagGauge(registry, RoutingMetrics.REPLICA_EXCLUDED, "replica1")).isZero();
			assertThat(readNodes(context, 8)).containsExactlyInAnyOrder("replica1", "replica2");
		});
	}

	@ParameterizedTest
	@EnumSource(names = { "MARIADB_MULTI_QUERIES", "MYSQL" })
	void stoppedReplicasSendReadsToTheWriterAndNoReadFails(MariaDbDriver driver) {
		runner(driver).run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitAllUp(monitor);
			assertThat(readNodes(context, 8)).containsExactlyInAnyOrder("replica1", "replica2");
			try {
				cluster.replica(1).stop();
				cluster.replica(2).stop();
				// Straight away, before the monitor notices: pooled connections to the stopped replicas are dead.
				assertThat(readNodes(context, 20)).containsOnly("primary");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> !status(monitor, "replica1").up() && !status(monitor, "replica2").up());
				assertThat(readNodes(context, 20)).containsOnly("primary");
				assertThat(status(monitor, "replica1").excluded()).isTrue();
				assertThat(registry.get(RoutingMetrics.ROUTES)
					.tags("target", "writer", "reason", "reader-down")
					.counter()
					.count()).isGreaterThanOrEqualTo(40);
				assertThat(lagGauge(registry, RoutingMetrics.REPLICA_UP, "replica2")).isZero();
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).as("the writer is up").isEqualTo(Status.UP);
				assertThat(readerDetails(health, "replica2")).containsEntry("up", false)
					.containsEntry("excluded", true)
					.containsKey("error");
				assertThat(health.toString()).doesNotContain(cluster.password());
			}
			finally {
				cluster.replica(1).start();
				cluster.replica(2).start();
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> !status(monitor, "replica1").excluded() && !status(monitor, "replica2").excluded());
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			assertThat(lagGauge(registry, RoutingMetrics.REPLICA_UP, "replica2")).isEqualTo(1);
			assertThat(readNodes(context, 8)).containsExactlyInAnyOrder("replica1", "replica2");
		});
	}

	@Test
	void idlePrimaryKeepsLagAtZeroAndTheWriterIsThePrimary() {
		runner(MariaDbDriver.MARIADB_MULTI_QUERIES).run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitAllUp(monitor);
			insertOnPrimary("before idling");
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(10)).until(() -> maxLag(registry) == 0);
			List<Double> lags = new ArrayList<>();
			// 10 seconds of an idle primary: the lag, measured from the writer's GTID history, stays at
			// zero the whole time.
			await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).pollInterval(INTERVAL).until(() -> {
				double lag = maxLag(registry);
				lags.add(lag);
				return lag == 0;
			});
			assertThat(lags).hasSizeGreaterThan(30);
			assertThat(status(monitor, "replica1").excluded()).isFalse();
			assertThat(status(monitor, "writer").role()).isEqualTo(NodeRole.PRIMARY);
			Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
			@SuppressWarnings("unchecked")
			Map<String, Object> writer = (Map<String, Object>) health.getDetails().get("writer");
			assertThat(writer).containsEntry("up", true).containsEntry("role", "primary").containsEntry("primary", true);
		});
	}

	@Test
	void theMonitorStopsWithTheContextAndLeavesNoThread() {
		runner(MariaDbDriver.MARIADB_MULTI_QUERIES).run((context) -> {
			awaitAllUp(context.getBean(ReplicaMonitor.class));
			assertThat(monitorThreads()).isNotEmpty();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> monitorThreads().isEmpty());
	}

	private static List<Thread> monitorThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("rw-routing-monitor-"))
			.toList();
	}

	private static double maxLag(SimpleMeterRegistry registry) {
		return Math.max(lagGauge(registry, RoutingMetrics.REPLICA_LAG, "replica1"),
				lagGauge(registry, RoutingMetrics.REPLICA_LAG, "replica2"));
	}

	private static double lagGauge(SimpleMeterRegistry registry, String name, String replica) {
		return registry.get(name).tag("replica", replica).gauge().value();
	}

	private static SimpleMeterRegistry bindMeters(AssertableApplicationContext context) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		context.getBean(RoutingMetrics.class).bindTo(registry);
		return registry;
	}

	private static void awaitAllUp(ReplicaMonitor monitor) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> monitor.statuses().stream().allMatch((status) -> status.up() && !status.excluded()));
	}

	private static NodeStatus status(ReplicaMonitor monitor, String name) {
		return monitor.statuses().stream().filter((status) -> status.name().equals(name)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readerDetails(Health health, String reader) {
		Map<String, Object> readers = (Map<String, Object>) health.getDetails().get("readers");
		return (Map<String, Object>) readers.get(reader);
	}

	private static Set<String> readNodes(AssertableApplicationContext context, int reads) {
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		Set<String> nodes = new HashSet<>();
		for (int i = 0; i < reads; i++) {
			Integer port = readOnly.execute((status) -> jdbc.sql("select @@port").query(Integer.class).single());
			nodes.add(MariaDbDriver.nodeName(cluster, port));
		}
		return nodes;
	}

	private static void insertOnPrimary(String note) throws SQLException {
		MariaDbSql.execute(cluster.primary(), "insert into events (note) values ('" + note + "')");
	}

}
