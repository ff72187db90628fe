package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.WriterDemotedException;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The writer pool reaching a node that is no longer the primary, against real nodes: a pool pointed
 * at a standby (what a stale DNS entry for the cluster endpoint does), and a primary made read-only
 * while a replica is promoted, behind a pgjdbc multi-host writer URL.
 */
@ReplicatedPostgres(replicas = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WriterDemotionIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table demotion (id serial primary key, text text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private static ApplicationContextRunner runner(String writerUrl, PostgresNode reader) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withUserConfiguration(WritesConfiguration.class)
			.withPropertyValues("spring.datasource.url=" + writerUrl,
					"spring.datasource.username=" + cluster.username(),
					"rw-routing.readers." + reader.name() + ".url=" + reader.jdbcUrl(),
					"rw-routing.monitor.interval=200ms", "rw-routing.failover.retry.delay=50ms",
					"rw-routing.failover.retry.max-retries=5", "spring.datasource.hikari.connection-timeout=3000");
	}

	@Test
	@Order(1)
	void aWriterPoolOnAStandbyFailsWritesAsTransientRetiresItsConnectionsAndIsDown() {
		PostgresNode standby = cluster.replica(2);
		runner(standby.jdbcUrl(), cluster.replica(1)).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
			// Without any write, the monitor alone sees the writer's node in recovery and retires the pool.
			await().atMost(Duration.ofSeconds(10)).until(() -> evictor.evictions() >= 1);
			assertThatExceptionOfType(TransientDataAccessResourceException.class)
				.isThrownBy(() -> jdbc.sql("insert into demotion (text) values ('on-standby')").update())
				.withRootCauseInstanceOf(SQLException.class)
				.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOf(WriterDemotedException.class));
			assertThat(evictor.evictions()).isGreaterThanOrEqualTo(1);
			RwRoutingHealthIndicator health = context.getBean(RwRoutingHealthIndicator.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN));
			assertThat(health.health(true).getDetails().get("reason").toString()).contains("read-only node");
			assertThat(countOn(cluster.primary(), "on-standby")).isZero();
		});
	}

	@Test
	@Order(2)
	void aWriterConnectionThatReachedAStandbyIsNotHandedOutAgainDuringTheRetirementBackoff() {
		PostgresNode standby = cluster.replica(2);
		runner(standby.jdbcUrl(), cluster.replica(1)).withPropertyValues("spring.datasource.hikari.maximum-pool-size=2")
			.run((context) -> {
				Writes writes = context.getBean(Writes.class);
				WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
				// The monitor retires the pool first; the failing writes below then meet its backoff.
				await().atMost(Duration.ofSeconds(10)).until(() -> evictor.evictions() >= 1);
				List<Integer> backends = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					AtomicInteger backend = new AtomicInteger();
					assertThatExceptionOfType(TransientDataAccessResourceException.class)
						.isThrownBy(() -> writes.insertOnce("standby-" + backends.size(), backend));
					backends.add(backend.get());
				}
				// Without retiring the connection that failed, Hikari hands the same one out again (the
				// pool's retirement is backed off), and every retry within the backoff meets it.
				assertThat(backends).doesNotHaveDuplicates();
				assertThat(countOn(cluster.primary(), "standby-%")).isZero();
			});
	}

	@Test
	@Order(3)
	void aDemotedWriterGetsNoWriteAndThePoolRecoversOnThePromotedNode() {
		PostgresNode oldPrimary = cluster.primary();
		PostgresNode promoted = cluster.replica(1);
		String multiHost = "jdbc:postgresql://" + PostgresNode.HOST + ":" + oldPrimary.port() + ","
				+ PostgresNode.HOST + ":" + promoted.port() + "/" + cluster.database() + "?targetServerType=primary";
		runner(multiHost, cluster.replica(2)).run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(FailoverMetrics.class).bindTo(registry);
			Writes writes = context.getBean(Writes.class);
			assertThat(writes.insert("before")).isEqualTo(oldPrimary.port());
			// Demote the primary: it stays up but refuses writes, as a node does once it is a replica.
			Sql.execute(oldPrimary, "alter system set default_transaction_read_only = on");
			Sql.execute(oldPrimary, "select pg_reload_conf()");
			promoted.promote();
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 20; i++) {
				ports.add(writes.insert("after-" + i));
			}
			assertThat(ports).containsExactly(promoted.port());
			assertThat(countOn(oldPrimary, "after-%")).as("writes on the demoted node").isZero();
			assertThat(countOn(promoted, "after-%")).isEqualTo(20);
			assertThat(context.getBean(WriterPoolEvictor.class).evictions()).isGreaterThanOrEqualTo(1);
			assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "recovered").counter().count())
				.isGreaterThanOrEqualTo(1);
		});
	}

	private static int countOn(PostgresNode node, String pattern) throws SQLException {
		return Sql.queryInt(node, "select count(*) from demotion where text like '" + pattern + "'");
	}

	@Configuration(proxyBeanMethods = false)
	static class WritesConfiguration {

		@Bean
		Writes writes(JdbcClient jdbc) {
			return new Writes(jdbc);
		}

	}

	static class Writes {

		private final JdbcClient jdbc;

		Writes(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public void insertOnce(String text, AtomicInteger backend) {
			backend.set(this.jdbc.sql("select pg_backend_pid()").query(Integer.class).single());
			this.jdbc.sql("insert into demotion (text) values (?)").param(text).update();
		}

		@FailoverRetry
		@Transactional
		public int insert(String text) {
			this.jdbc.sql("insert into demotion (text) values (?)").param(text).update();
			return this.jdbc.sql("select inet_server_port()").query(Integer.class).single();
		}

	}

}
