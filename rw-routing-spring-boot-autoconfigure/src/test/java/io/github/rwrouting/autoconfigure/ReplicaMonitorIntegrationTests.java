package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * The replica monitor against a real primary with two streaming replicas: replay paused on one
 * (real lag), both stopped, and an idle primary.
 */
@ReplicatedPostgres(replicas = 2)
class ReplicaMonitorIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table if not exists events (id serial primary key, note text)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.monitor.interval=" + INTERVAL.toMillis() + "ms",
					"rw-routing.max-lag=500ms", "spring.datasource.hikari.connection-timeout=2000"));
	}

	@Test
	void pausedReplicaLagsIsExcludedAndRejoins() throws Exception {
		runner().run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitAllUp(monitor);
			PostgresNode paused = cluster.replica(1);
			paused.pauseReplay();
			try {
				insertOnPrimary("while paused");
				long written = System.nanoTime();
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> registry.get(RoutingMetrics.REPLICA_LAG_BYTES).tag("replica", "replica1").gauge().value() > 0);
				long bytesSeen = System.nanoTime() - written;
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> registry.get(RoutingMetrics.REPLICA_LAG).tag("replica", "replica1").gauge().value() > 0);
				long secondsSeen = System.nanoTime() - written;
				System.out.printf("replica lag visible after a write: bytes %d ms, time %d ms (interval %d ms)%n",
						TimeUnit.NANOSECONDS.toMillis(bytesSeen), TimeUnit.NANOSECONDS.toMillis(secondsSeen),
						INTERVAL.toMillis());
				assertThat(Duration.ofNanos(bytesSeen)).as("lag bytes seen after").isLessThan(twoIntervals());
				assertThat(Duration.ofNanos(secondsSeen)).as("lag time seen after").isLessThan(twoIntervals());
				await().atMost(Duration.ofSeconds(10)).until(() -> status(monitor, "replica1").excluded());
				assertThat(registry.get(RoutingMetrics.REPLICA_EXCLUDED).tag("replica", "replica1").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get(RoutingMetrics.REPLICA_EXCLUDED).tag("replica", "replica2").gauge().value())
					.isZero();
				assertThat(readNodes(context, 10)).containsOnly("replica2");
				assertThat(registry.get(RoutingMetrics.ROUTES)
					.tags("target", "replica2", "reason", "read-only")
					.counter()
					.count()).isGreaterThanOrEqualTo(10);
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(readerDetails(health, "replica1")).containsEntry("excluded", true);
			}
			finally {
				paused.resumeReplay();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> !status(monitor, "replica1").excluded());
			assertThat(readNodes(context, 8)).containsExactlyInAnyOrder("replica1", "replica2");
		});
	}

	@Test
	void stoppedReplicasSendReadsToTheWriterAndNoReadFails() {
		runner().run((context) -> {
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
				assertThat(registry.get(RoutingMetrics.REPLICA_UP).tag("replica", "replica2").gauge().value()).isZero();
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(readerDetails(health, "replica2")).containsEntry("up", false).containsKey("error");
				assertThat(health.toString()).doesNotContain("password");
			}
			finally {
				cluster.replica(1).start();
				cluster.replica(2).start();
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> !status(monitor, "replica1").excluded() && !status(monitor, "replica2").excluded());
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			assertThat(readNodes(context, 8)).containsExactlyInAnyOrder("replica1", "replica2");
		});
	}

	@Test
	void idlePrimaryKeepsLagNearZero() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitAllUp(monitor);
			insertOnPrimary("before idling");
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			List<Double> lags = new ArrayList<>();
			// 30 seconds of an idle primary: the lag must stay near zero the whole time.
			await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(35)).pollInterval(INTERVAL).until(() -> {
				double lag = Math.max(
						registry.get(RoutingMetrics.REPLICA_LAG).tag("replica", "replica1").timeGauge().value(TimeUnit.SECONDS),
						registry.get(RoutingMetrics.REPLICA_LAG).tag("replica", "replica2").timeGauge().value(TimeUnit.SECONDS));
				lags.add(lag);
				return lag < 0.5;
			});
			assertThat(lags).hasSizeGreaterThan(100);
			assertThat(status(monitor, "replica1").excluded()).isFalse();
			assertThat(status(monitor, "writer").role()).isEqualTo(NodeRole.PRIMARY);
		});
	}

	@Test
	void theMonitorStopsWithTheContextAndLeavesNoThread() {
		runner().run((context) -> {
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

	private static Duration twoIntervals() {
		// two polls, plus the time one poll takes on a busy two-core machine
		return INTERVAL.multipliedBy(2).plusMillis(300);
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
		assertThat(context.getBean(RoutingDataSource.class)).isNotNull();
		Set<String> nodes = new HashSet<>();
		for (int i = 0; i < reads; i++) {
			Integer port = readOnly
				.execute((status) -> jdbc.sql("select inet_server_port()").query(Integer.class).single());
			nodes.add(ClusterProperties.nodeName(cluster, port));
		}
		return nodes;
	}

	private static void insertOnPrimary(String note) throws SQLException {
		Sql.execute(cluster.primary(), "insert into events (note) values ('" + note + "')");
	}

}
