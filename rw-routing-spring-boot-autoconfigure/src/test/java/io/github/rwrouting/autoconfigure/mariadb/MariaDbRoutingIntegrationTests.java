package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
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
 * The MariaDB dialect in a real Spring context against a real MariaDB primary and GTID replica:
 * routing, the monitor's view, commit positions as GTIDs, read-your-writes under paused replication,
 * and a write refused by the read-only replica. With MariaDB Connector/J; the same with MySQL
 * Connector/J in {@link MySqlConnectorJRoutingIntegrationTests}.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbRoutingIntegrationTests {

	static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table notes (id int auto_increment primary key, text varchar(200) not null)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	/**
	 * A node's JDBC URL, with driver parameters.
	 * @param node the node
	 * @param parameters {@code name=value} pairs joined with {@code &}, or empty
	 * @return the URL
	 */
	String url(MariaDbNode node, String parameters) {
		return node.jdbcUrl() + (parameters.isEmpty() ? "" : "?" + parameters);
	}

	ApplicationContextRunner runnerFor(String writerUrl, String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + writerUrl,
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(), "spring.datasource.hikari.maximum-pool-size=4",
					"rw-routing.readers.r1.url=" + url(replica(), ""), "rw-routing.monitor.interval=100ms",
					"rw-routing.max-lag=1h", "rw-routing.consistency.signing-key=mariadb-test-signing-key")
			.withPropertyValues(extra);
	}

	ApplicationContextRunner runner(String... extra) {
		return runnerFor(url(cluster.primary(), "allowMultiQueries=true"), extra);
	}

	/**
	 * The dialect, once the monitor found it (from a {@code jdbc:mysql:} URL it asks the server).
	 */
	static MariaDbDialect dialect(AssertableApplicationContext context) {
		ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> monitor.clusterState().dialect() != null);
		assertThat(monitor.clusterState().dialect()).isInstanceOf(MariaDbDialect.class);
		return (MariaDbDialect) monitor.clusterState().dialect();
	}

	static MariaDbNode replica() {
		return cluster.replica(1);
	}

	@Test
	void theUrlInTheMetadataHidesThePassword() {
		// MariaDB Connector/J reports the password in DatabaseMetaData.getURL(), and Hibernate logs that
		// URL at startup ("Database info").
		runner().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				String url = connection.getMetaData().getURL();
				assertThat(url).contains(":" + cluster.primary().port() + "/").doesNotContain(cluster.password());
			}
		});
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaAndReadWriteOnesOnThePrimary() {
		runner().run((context) -> {
			dialect(context);
			TransactionTemplate readOnly = transactions(context);
			readOnly.setReadOnly(true);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Integer readOnlyPort = readOnly.execute((status) -> port(jdbc));
			Integer readWritePort = transactions(context).execute((status) -> port(jdbc));
			assertThat(readOnlyPort).isEqualTo(replica().port());
			assertThat(readWritePort).isEqualTo(cluster.primary().port());
		});
	}

	@Test
	void theMonitorSeesRolesIdentityAndLagThatStaysZeroOnAnIdlePrimary() {
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.writerIdentity() != null && monitor.status("r1").up()
						&& monitor.status("r1").checkedAt() != null);
			assertThat(monitor.dialect().name()).isEqualTo("mariadb");
			assertThat(monitor.writerIdentity().timeline()).as("the writer's server_id")
				.isEqualTo(cluster.primary().serverId());
			assertThat(monitor.status("writer").role()).isEqualTo(NodeRole.PRIMARY);
			NodeStatus idle = monitor.status("r1");
			assertThat(idle.role()).isEqualTo(NodeRole.REPLICA);
			assertThat(idle.excluded()).isFalse();
			// Nothing is written: lag stays at zero poll after poll.
			long checked = idle.checkedAt().toEpochMilli();
			await().atMost(Duration.ofSeconds(10)).until(() -> monitor.status("r1").checkedAt().toEpochMilli() > checked + 300);
			assertThat(monitor.status("r1").lagNanos()).isZero();
			assertThat(monitor.status("r1").lagBytes()).isZero();
			replica().pauseReplay();
			try {
				write(context, context.getBean(JdbcClient.class), "lagging");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> monitor.status("r1").lagBytes() == 1
							&& monitor.status("r1").lagNanos() > Duration.ofMillis(200).toNanos());
				System.out.printf("MariaDB replica with replay paused: lag %d ms, %d transaction(s) behind%n",
						Duration.ofNanos(monitor.status("r1").lagNanos()).toMillis(), monitor.status("r1").lagBytes());
			}
			finally {
				replica().resumeReplay();
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> monitor.status("r1").lagBytes() == 0 && monitor.status("r1").lagNanos() == 0);
		});
	}

	@Test
	void aCommitCapturesTheTransactionsGtidWithTheWritersServerId() {
		runner().run((context) -> {
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			MariaDbDialect dialect = dialect(context);
			consistency.set(null);
			try {
				write(context, context.getBean(JdbcClient.class), "captured");
				ConsistencyToken.Entry entry = consistency.current().entries().get(0);
				assertThat(entry.gtids()).hasToString(cluster.primary().gtidPosition());
				assertThat(entry.timeline()).isEqualTo(cluster.primary().serverId());
				assertThat(entry.clusterId()).isEqualTo(MariaDbDialect.CLUSTER_ID);
				assertThat(dialect.readsPositionWithCommit()).as("COMMIT; SELECT @@last_gtid in one round trip")
					.isTrue();
			}
			finally {
				consistency.set(null);
			}
		});
	}

	@Test
	void withoutAllowMultiQueriesTheGtidIsReadInASecondRoundTrip() {
		runnerFor(url(cluster.primary(), "")).run((context) -> {
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			MariaDbDialect dialect = dialect(context);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			consistency.set(null);
			try {
				for (String text : new String[] { "two round trips 1", "two round trips 2" }) {
					write(context, jdbc, text);
					assertThat(consistency.current().entries().get(0).gtids())
						.hasToString(cluster.primary().gtidPosition());
					assertThat(dialect.readsPositionWithCommit()).isFalse();
				}
				assertThat(count(cluster.primary(), "two round trips%")).as("both committed once").isEqualTo(2);
			}
			finally {
				consistency.set(null);
			}
		});
	}

	@Test
	void aReadCarryingATokenGoesToTheWriterWhileReplayIsPausedAndToTheReplicaOnceReplayed() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(registry);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.writerIdentity() != null && monitor.status("r1").up());
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			consistency.set(null);
			replica().pauseReplay();
			String written;
			try {
				write(context, jdbc, "read your write");
				written = cluster.primary().gtidPosition();
				assertThat(read(context, jdbc, "read your write")).isEqualTo(new Read(1, cluster.primary().port()));
				assertThat(outcomes(registry, "writer-fallback") + outcomes(registry, "writer-replica-behind"))
					.as("counted").isEqualTo(1);
			}
			finally {
				replica().resumeReplay();
			}
			try {
				replica().awaitReplay(written, Duration.ofSeconds(10));
				// Until the monitor measures the replica again it may still be taken to lag. In this
				// thread: the token is the scope's, held by the thread.
				await().pollInSameThread()
					.atMost(Duration.ofSeconds(10))
					.until(() -> read(context, jdbc, "read your write").equals(new Read(1, replica().port())));
				assertThat(consistency.current()).as("the token still travels").isNotNull();
				assertThat(outcomes(registry, "replica-checked")).as("checked on the replica").isEqualTo(1);
				assertThat(outcomes(registry, "replica-caught-up"))
					.as("never routed on the monitor's word: a GTID check asks the replica").isZero();
			}
			finally {
				consistency.set(null);
			}
		});
	}

	@Test
	void aWriteInAReadOnlyTransactionIsRefused() {
		runner().run((context) -> {
			TransactionTemplate readOnly = transactions(context);
			readOnly.setReadOnly(true);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> readOnly.executeWithoutResult(
						(status) -> jdbc.sql("insert into notes (text) values ('refused')").update()))
				.satisfies((ex) -> {
					SQLException cause = (SQLException) ex.getMostSpecificCause();
					System.out.printf("write on the replica: %s [%s, %d] %s%n", ex.getClass().getSimpleName(),
							cause.getSQLState(), cause.getErrorCode(), cause.getMessage());
					assertReadOnlyRefusal(cause);
				});
			assertThat(count(replica(), "refused")).isZero();
			assertThat(replica().isReplayPaused()).isFalse();
		});
	}

	/**
	 * How a write in a read-only transaction is refused: by the read-only replica, with its error.
	 * @param cause what the driver threw
	 */
	void assertReadOnlyRefusal(SQLException cause) {
		assertThat(cause.getErrorCode()).isEqualTo(1290);
		assertThat(cause.getSQLState()).isEqualTo("HY000");
		assertThat(cause.getMessage()).contains("--read-only");
	}

	static TransactionTemplate transactions(AssertableApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static int port(JdbcClient jdbc) {
		return jdbc.sql("select @@port").query(Integer.class).single();
	}

	static void write(AssertableApplicationContext context, JdbcClient jdbc, String text) {
		transactions(context)
			.executeWithoutResult((status) -> jdbc.sql("insert into notes (text) values (?)").param(text).update());
	}

	private static Read read(AssertableApplicationContext context, JdbcClient jdbc, String text) {
		TransactionTemplate readOnly = transactions(context);
		readOnly.setReadOnly(true);
		return readOnly.execute((status) -> jdbc.sql("select count(*), @@port from notes where text = ?")
			.param(text)
			.query((rs, row) -> new Read(rs.getInt(1), rs.getInt(2)))
			.single());
	}

	static int count(MariaDbNode node, String like) throws SQLException {
		try (Connection connection = node.connect();
				var statement = connection.prepareStatement("select count(*) from notes where text like ?")) {
			statement.setString(1, like);
			try (var result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static double outcomes(SimpleMeterRegistry registry, String outcome) {
		Counter counter = registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Read(int found, int port) {

	}

}
