package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.WriterDemotedException;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The writer pool reaching a read-only MariaDB node, against a real primary and GTID replica, with
 * MariaDB Connector/J and MySQL Connector/J: error 1290 on the writer pool fails the write as a
 * {@link WriterDemotedException}, retires the pool (counted) and is retried by {@link FailoverRetry};
 * the same error on a reader (a write in a read-only transaction) retires nothing. The monitor is off,
 * so the write's error is the only signal (the monitor's role check, which retires the pool on its
 * own, is tested by {@code MariaDbWriterFailoverIntegrationTests}). The demoted primary, which changes
 * the cluster's roles, runs with MariaDB Connector/J here and with MySQL Connector/J in
 * {@link MySqlConnectorJWriterDemotionIntegrationTests}.
 */
@ReplicatedMariaDb(replicas = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbWriterDemotionIntegrationTests {

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		execute(cluster.primary(), "create table demotion (id int auto_increment primary key, text varchar(200) not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	static String url(String driver, int port) {
		return switch (driver) {
			case "mariadb" -> "jdbc:mariadb://" + MariaDbNode.HOST + ":" + port + "/" + cluster.database();
			case "mysql" -> "jdbc:mysql://" + MariaDbNode.HOST + ":" + port + "/" + cluster.database()
					+ "?sslMode=DISABLED";
			default -> throw new IllegalArgumentException(driver);
		};
	}

	private static ApplicationContextRunner runner(String writerUrl, String readerUrl) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withUserConfiguration(WritesConfiguration.class)
			.withPropertyValues("spring.datasource.url=" + writerUrl,
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(), "rw-routing.readers.r1.url=" + readerUrl,
					"rw-routing.dialect=mariadb", "rw-routing.monitor.enabled=false",
					"rw-routing.failover.retry.delay=50ms", "rw-routing.failover.retry.max-retries=3",
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=3000");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	@Order(1)
	void aWriterPoolOnAReadOnlyReplicaFailsWritesAsTransientRetiresItsConnectionsAndRetries(String driver) {
		MariaDbNode replica = cluster.replica(1);
		runner(url(driver, replica.port()), url(driver, replica.port())).run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(FailoverMetrics.class).bindTo(registry);
			WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
			Writes writes = context.getBean(Writes.class);
			assertThatExceptionOfType(TransientDataAccessResourceException.class)
				.isThrownBy(() -> writes.insert("on-replica"))
				.satisfies((ex) -> {
					assertThat(ex.getCause()).isInstanceOf(WriterDemotedException.class);
					SQLException refusal = (SQLException) ex.getCause().getCause();
					assertThat(refusal.getErrorCode()).isEqualTo(1290);
					assertThat(refusal.getSQLState()).isEqualTo("HY000");
				});
			assertThat(evictor.evictions()).as("retired, with a backoff between retirements").isGreaterThanOrEqualTo(1);
			assertThat(registry.get(FailoverMetrics.WRITER_EVICTIONS).functionCounter().count())
				.isEqualTo(evictor.evictions());
			assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "retry").counter().count())
				.as("re-run per @FailoverRetry").isEqualTo(3);
			assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "exhausted").counter().count())
				.isEqualTo(1);
			assertThat(count(cluster.primary(), "on-replica")).isZero();
			assertThat(count(replica, "on-replica")).isZero();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	@Order(2)
	void aWriteInAReadOnlyTransactionOnAReaderRetiresNothing(String driver) {
		runner(url(driver, cluster.primary().port()), url(driver, cluster.replica(1).port())).run((context) -> {
			WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> readOnly.executeWithoutResult(
						(status) -> jdbc.sql("insert into demotion (text) values ('read-only')").update()))
				.satisfies((ex) -> {
					SQLException cause = (SQLException) ex.getMostSpecificCause();
					System.out.printf("%s: write in a read-only transaction on the reader: %s, %s [%s, %d] %s%n", driver,
							ex.getClass().getSimpleName(), cause.getClass().getName(), cause.getSQLState(),
							cause.getErrorCode(), cause.getMessage());
					assertThat(FailoverExceptions.isFailover(ex)).as("not re-run by @FailoverRetry").isFalse();
					// rw-routing's read-only-transaction error, with the refusal as its cause.
					assertThat(ex).hasMessageContaining("read-only transaction on replica 'reader-");
					if (driver.equals("mariadb")) {
						// The server's refusal.
						assertThat(cause.getErrorCode()).isEqualTo(1290);
					}
					else {
						// MySQL Connector/J refuses it itself on a read-only connection, before the server.
						assertThat(cause.getMessage()).startsWith("Connection is read-only.");
					}
				});
			assertThat(evictor.evictions()).isZero();
			assertThat(context.getBean(Writes.class).insert("writer-still-serves")).isEqualTo(cluster.primary().serverId());
			assertThat(count(cluster.replica(1), "read-only")).isZero();
		});
	}

	@Test
	@Order(3)
	void aDemotedPrimaryGetsNoWriteAndThePoolMovesToThePromotedNode() throws Exception {
		MariaDbNode oldPrimary = cluster.primary();
		MariaDbNode promoted = cluster.replica(1);
		try (WriterEndpoint endpoint = new WriterEndpoint(oldPrimary.port())) {
			runner(url(driver(), endpoint.port()), url(driver(), promoted.port())).run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(FailoverMetrics.class).bindTo(registry);
				Writes writes = context.getBean(Writes.class);
				for (int i = 0; i < 4; i++) {
					assertThat(writes.insert("before-" + i)).isEqualTo(oldPrimary.serverId());
				}
				// Hikari fills the pool with connections to the old primary in the background. One still being
				// opened when the endpoint moves can join the pool after its retirement and, while the next
				// retirement is backed off (500 ms), fail the retries below again (the likely cause of one
				// exhausted retry seen with MySQL Connector/J): wait until the pool is full.
				HikariPoolMXBean pool = context.getBean("writerDataSource", HikariDataSource.class).getHikariPoolMXBean();
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getTotalConnections() == 4);
				// The old primary stays up but refuses writes (1290), as once it follows the new one; the
				// endpoint moves to the promoted replica, as a cluster endpoint's DNS name does.
				execute(oldPrimary, "SET GLOBAL read_only = 1");
				promoted.promote();
				endpoint.moveTo(promoted.port());
				Set<Integer> servers = new HashSet<>();
				for (int i = 0; i < 20; i++) {
					servers.add(writes.insert("after-" + i));
				}
				assertThat(servers).containsExactly(promoted.serverId());
				assertThat(count(oldPrimary, "after-%")).as("writes on the demoted node").isZero();
				assertThat(count(promoted, "after-%")).isEqualTo(20);
				assertThat(context.getBean(WriterPoolEvictor.class).evictions()).isGreaterThanOrEqualTo(1);
				assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "recovered").counter().count())
					.isGreaterThanOrEqualTo(1);
				assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "exhausted").counter().count())
					.isZero();
			});
		}
	}

	/**
	 * The driver of the test that changes the cluster's roles.
	 */
	String driver() {
		return "mariadb";
	}

	static void execute(MariaDbNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static int count(MariaDbNode node, String like) throws SQLException {
		try (Connection connection = node.connect();
				var statement = connection.prepareStatement("select count(*) from demotion where text like ?")) {
			statement.setString(1, like);
			try (var result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
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

		@FailoverRetry
		@Transactional
		public int insert(String text) {
			this.jdbc.sql("insert into demotion (text) values (?)").param(text).update();
			return this.jdbc.sql("select @@server_id").query(Integer.class).single();
		}

	}

}
