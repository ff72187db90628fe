package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
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
 * A replica promoted while the writer stays on the old primary (a split brain, a manual promotion,
 * a failover the application's writer URL did not follow) has a history of its own: it must not
 * serve reads. Its own cluster, since promotion cannot be undone.
 */
@ReplicatedPostgres(replicas = 2)
@ExtendWith(OutputCaptureExtension.class)
class PromotedReplicaIntegrationTests {

	@Test
	void aPromotedReplicaIsExcludedShownAndWarnedOnce(PostgresCluster cluster, CapturedOutput output) {
		PostgresNode oldPrimary = cluster.primary();
		PostgresNode promoted = cluster.replica(2);
		// Captured before the promotion: the writer stays on the old primary.
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.monitor.interval=200ms"));
		runner.run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.statuses().stream().allMatch((status) -> status.up() && !status.excluded()));
			assertThat(readNodes(context, cluster, 8)).containsExactlyInAnyOrder("replica1", "replica2");
			promoted.promote();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> status(monitor, "replica2").exclusionReason() == ExclusionReason.NOT_A_REPLICA);
			NodeStatus status = status(monitor, "replica2");
			assertThat(status.role()).isEqualTo(NodeRole.PRIMARY);
			assertThat(status.excluded()).isTrue();
			assertThat(status.servedByWriterNode()).isFalse();
			assertThat(status(monitor, "writer").role()).isEqualTo(NodeRole.PRIMARY);
			assertThat(readNodes(context, cluster, 12)).doesNotContain("replica2").contains("replica1");
			assertThat(registry.get(RoutingMetrics.REPLICA_EXCLUDED).tag("replica", "replica2").gauge().value())
				.isEqualTo(1);
			assertThat(registry.get(RoutingMetrics.REPLICA_NOT_A_REPLICA).tag("replica", "replica2").gauge().value())
				.isEqualTo(1);
			assertThat(registry.get(RoutingMetrics.REPLICA_NOT_A_REPLICA).tag("replica", "replica1").gauge().value())
				.isZero();
			Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(readerDetails(health, "replica2")).containsEntry("role", "primary")
				.containsEntry("excluded", true)
				.containsEntry("exclusionReason", "not-a-replica");
			// Still excluded, and warned about once, after several more polls.
			Instant seen = status(monitor, "replica2").checkedAt();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> status(monitor, "replica2").checkedAt().isAfter(seen.plusSeconds(1)));
			assertThat(status(monitor, "replica2").excluded()).isTrue();
			assertThat(output.getOut() + output.getErr())
				.containsOnlyOnce("reader 'replica2' is not a replica (not in recovery) and not the writer's node");
			assertThat(oldPrimary.isInRecovery()).isFalse();
		});
	}

	private static NodeStatus status(ReplicaMonitor monitor, String name) {
		return monitor.statuses().stream().filter((status) -> status.name().equals(name)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readerDetails(Health health, String reader) {
		Map<String, Object> readers = (Map<String, Object>) health.getDetails().get("readers");
		return (Map<String, Object>) readers.get(reader);
	}

	private static Set<String> readNodes(AssertableApplicationContext context, PostgresCluster cluster, int reads) {
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		Set<String> nodes = new HashSet<>();
		for (int i = 0; i < reads; i++) {
			Integer port = readOnly
				.execute((status) -> jdbc.sql("select inet_server_port()").query(Integer.class).single());
			nodes.add(ClusterProperties.nodeName(cluster, port));
		}
		return nodes;
	}

}
