package io.github.rwrouting.autoconfigure.consistency;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.topology.ReplicationPosition;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.PostgresDialect;
import io.github.rwrouting.topology.ReplicaMonitor;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failover that promotes the less advanced of two replicas, against real servers: replica1 stops
 * receiving WAL, the primary writes several megabytes that replica2 replays, the primary stops and
 * replica1 is promoted (timeline 2, forking before those megabytes). replica2 is left on timeline 1
 * at a WAL position far past where the new primary writes next, without any of its writes: a
 * position compared across timelines makes it look caught up with them.
 */
@ReplicatedPostgres(replicas = 2)
class TimelineConsistencyIntegrationTests {

	private static PostgresCluster cluster;

	private static PostgresNode promoted;

	private static PostgresNode left;

	@BeforeAll
	static void failOverToTheLessAdvancedReplica(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		PostgresNode oldPrimary = cluster.primary();
		promoted = cluster.replica(1);
		left = cluster.replica(2);
		Sql.execute(oldPrimary, "create table notes (id serial primary key, text text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		Sql.execute(oldPrimary, "create role monitoring login");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		try (Connection connection = left.connect();
				Connection unprivileged = DriverManager.getConnection(left.jdbcUrl(), "monitoring", "")) {
			assertThat(new PostgresDialect().replayPosition(connection).timeline()).as("a streaming standby")
				.isEqualTo(1);
			assertThat(new PostgresDialect().replayPosition(unprivileged).timeline())
				.as("a streaming standby, for a role that does not see the WAL receiver")
				.isEqualTo(1);
		}
		// replica1 stops streaming: what the old primary writes next never reaches it.
		Sql.execute(promoted, "alter system set primary_conninfo = ''");
		Sql.execute(promoted, "select pg_reload_conf()");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Sql.queryInt(promoted, "select count(*) from pg_stat_wal_receiver") == 0);
		Sql.execute(oldPrimary,
				"create table filler as select g, repeat('x', 1000) as pad from generate_series(1, 5000) as g");
		left.awaitReplay(oldPrimary.currentLsn(), Duration.ofSeconds(30));
		oldPrimary.stop();
		promoted.promote();
	}

	/**
	 * What the dialect reads on each node: the new primary's timeline, and the older one of the
	 * standby left behind, which no longer streams (its last restartpoint's timeline).
	 */
	@Test
	void theDialectReadsTheTimelineOfEveryNode() throws SQLException {
		PostgresDialect dialect = new PostgresDialect();
		try (Connection connection = promoted.connect()) {
			assertThat(dialect.identity(connection).timeline()).isEqualTo(2);
			assertThat(dialect.commitPosition(connection).timeline()).isEqualTo(2);
		}
		try (Connection connection = left.connect();
				Connection unprivileged = DriverManager.getConnection(left.jdbcUrl(), "monitoring", "")) {
			assertThat(dialect.identity(connection).timeline()).isEqualTo(1);
			ReplicationPosition replayed = dialect.replayPosition(connection);
			assertThat(replayed).isEqualTo(new ReplicationPosition(1, replayedBytes(left)));
			assertThat(dialect.replayPosition(unprivileged)).isEqualTo(replayed);
		}
		try (Connection unprivileged = DriverManager.getConnection(promoted.jdbcUrl(), "monitoring", "")) {
			assertThat(dialect.identity(unprivileged).timeline()).isEqualTo(2);
		}
	}

	private ApplicationContextRunner runner(String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + promoted.jdbcUrl(),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(), "rw-routing.readers.left.url=" + left.jdbcUrl(),
					"rw-routing.monitor.interval=100ms",
					// lag alone must not keep reads off the replica left behind: only the timeline may
					"rw-routing.max-lag=1h", "rw-routing.consistency.signing-key=timeline-signing-key")
			.withPropertyValues(extra);
	}

	@Test
	void aReplicaTheMonitorSawPastTheWriteOnAnOlderTimelineIsNotCaughtUp() {
		runner().run((context) -> readAfterWriteOnTheNewTimeline(context, "monitored"));
	}

	@Test
	void aReplicaAskedOnItsOwnConnectionOnAnOlderTimelineIsNotCaughtUp() {
		runner("rw-routing.readers.left.single-node=false", "rw-routing.consistency.max-wait=200ms")
			.run((context) -> readAfterWriteOnTheNewTimeline(context, "asked"));
	}

	/**
	 * The writer's positions on timeline 2 do not compare with the stranded replica's on timeline
	 * 1: it lags by everything written since timeline 2 began (not by nothing, as its larger
	 * position would say), so it stops serving reads past its max-lag like any replica that stopped.
	 */
	@Test
	void aReplicaStrandedOnAnOlderTimelineLagsAndIsExcluded() {
		runner("rw-routing.max-lag=500ms").run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> monitor.statuses().get(1).excluded());
			NodeStatus stranded = monitor.statuses().get(1);
			assertThat(stranded.up()).isTrue();
			assertThat(stranded.lagNanos()).isGreaterThan(Duration.ofMillis(500).toNanos());
			assertThat(stranded.lagBytes()).as("no byte distance across timelines").isEqualTo(-1);
		});
	}

	private void readAfterWriteOnTheNewTimeline(AssertableApplicationContext context, String text) throws SQLException {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		context.getBean(RoutingMetrics.class).bindTo(registry);
		ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			ClusterIdentity writer = monitor.writerIdentity();
			return writer != null && writer.timeline() >= 2 && monitor.statuses().get(1).up();
		});
		ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		consistency.set(null);
		try {
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(
					(status) -> jdbc.sql("insert into notes (text) values (?)").param(text).update());
			ConsistencyToken.Entry written = consistency.current().entries().get(0);
			assertThat(written.timeline()).isEqualTo(monitor.writerIdentity().timeline());
			assertThat(replayedBytes(left)).as("the replica left behind is past the write's position")
				.isGreaterThan(written.position());
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			int[] found = readOnly.execute((status) -> jdbc
				.sql("select count(*), inet_server_port() from notes where text = ?")
				.param(text)
				.query((rs, row) -> new int[] { rs.getInt(1), rs.getInt(2) })
				.single());
			assertThat(found[0]).as("the read finds its own write").isEqualTo(1);
			assertThat(found[1]).isEqualTo(promoted.port());
			// Counters are registered on first use: none means none counted.
			assertThat(registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", "replica-caught-up").counter())
				.as("no read trusted the stranded replica's position").isNull();
		}
		finally {
			consistency.set(null);
		}
	}

	private static long replayedBytes(PostgresNode node) throws SQLException {
		try (Connection connection = node.connect();
				ResultSet result = connection.createStatement()
					.executeQuery("select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint")) {
			result.next();
			return result.getLong(1);
		}
	}

}
