package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
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
 * The hardest case of a replica promoted between two monitor polls: the read borrows a pooled
 * connection that has not talked to the server since the promotion (used within Hikari's 500 ms
 * bypass window, so not validated), which still reports {@code in_hot_standby = on} when the read
 * binds. The answer to the read's first statement carries the change: the statement runs again on
 * the writer, and the reader is excluded, long before the monitor (polling once an hour here) could
 * see it. Its own cluster, since promotion cannot be undone.
 */
@ReplicatedPostgres(replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class PromotedReaderFirstStatementIntegrationTests {

	@Test
	void aFirstStatementThatRanOnAJustPromotedReaderRunsAgainOnTheWriter(PostgresCluster cluster,
			CapturedOutput output) {
		PostgresNode promoted = cluster.replica(1);
		// Captured before the promotion, after which the cluster names the promoted node its primary:
		// the writer stays on this one.
		PostgresNode writer = cluster.primary();
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.monitor.interval=1h",
					"rw-routing.readers." + promoted.name() + ".hikari.maximum-pool-size=1"));
		runner.run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> status(monitor, promoted.name()).role() == NodeRole.REPLICA
						&& !status(monitor, promoted.name()).excluded());
			assertThat(read(context)).as("port and recovery of the read before the promotion")
				.containsExactly(promoted.port(), 1);
			HikariDataSource readerPool = context.getBean("reader-" + promoted.name() + "DataSource",
					HikariDataSource.class);
			// The reader pool's only connection, kept quiet while the node is promoted.
			try (Connection quiet = readerPool.getConnection()) {
				promoted.promote();
				assertThat(quiet.unwrap(PGConnection.class).getParameterStatus("in_hot_standby"))
					.as("what the quiet connection reports: it has not heard of the promotion")
					.isEqualTo("on");
			}
			assertThat(read(context)).as("port and recovery of the read right after the promotion")
				.containsExactly(writer.port(), 0);
			NodeStatus status = status(monitor, promoted.name());
			assertThat(status.excluded()).isTrue();
			assertThat(status.exclusionReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
			assertThat(read(context)).as("port and recovery of the next read").containsExactly(writer.port(), 0);
			assertThat(output.getOut() + output.getErr())
				.containsOnlyOnce("reader '" + promoted.name() + "' reports that it left recovery (promoted)");
		});
	}

	private static NodeStatus status(ReplicaMonitor monitor, String name) {
		return monitor.statuses().stream().filter((status) -> status.name().equals(name)).findFirst().orElseThrow();
	}

	/**
	 * One read-only transaction: the port of the node that served it, and 1 if it was in recovery.
	 */
	private static int[] read(AssertableApplicationContext context) {
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		return readOnly.execute((transaction) -> jdbc.sql("select inet_server_port(), pg_is_in_recovery()::int")
			.query((rs, row) -> new int[] { rs.getInt(1), rs.getInt(2) })
			.single());
	}

}
