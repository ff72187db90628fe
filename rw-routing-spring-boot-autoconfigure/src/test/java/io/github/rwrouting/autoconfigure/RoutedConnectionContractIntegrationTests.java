package io.github.rwrouting.autoconfigure;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC contract of the routed connection, against a real primary and a streaming replica with
 * the auto-configured {@code dataSource}: every piece of session state before and after the
 * connection binds to a pool, after it re-binds (the transaction ended and the same connection
 * serves the next one, as with open-session-in-view), and after a dead reader moved a transaction
 * to the writer; savepoints, abort, getters that must not borrow, metadata, unwrap, pools in manual
 * commit mode, and failures at and after COMMIT. Every test ends with no pooled connection in use.
 */
@ReplicatedPostgres(replicas = 1)
class RoutedConnectionContractIntegrationTests {

	private static final String WRITER_POOL = "writerDataSource";

	private static final String READER_POOL = "reader-replica1DataSource";

	private static PostgresCluster cluster;

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void cleanUp() {
		this.executor.shutdownNow();
		// a failed test must not leave its emulated transaction to the next one
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create schema if not exists contract");
		Sql.execute(cluster.primary(), "create table if not exists contract.things (name text not null)");
		Sql.execute(cluster.primary(), "create table if not exists public.rows (name text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner(String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withUserConfiguration(WritesConfiguration.class)
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.monitor.enabled=false",
					"spring.datasource.hikari.connection-timeout=2000", "rw-routing.failover.retry.delay=10ms",
					"rw-routing.failover.retry.jitter=5ms"))
			.withPropertyValues(extra);
	}

	@Test
	void sessionStateIsRecordedBeforeBindingAndReplayedOnEveryBind() {
		runner().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				Map<String, Class<?>> typeMap = new HashMap<>();
				typeMap.put("contract.thing", String.class);
				connection.setSchema("contract");
				connection.setClientInfo("ApplicationName", "contract-app");
				connection.setNetworkTimeout(this.executor, 45_000);
				connection.setTypeMap(typeMap);
				connection.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT);
				connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
				assertThat(activeConnections(context)).as("nothing borrowed before the first statement").isZero();
				assertSessionState(connection, typeMap);
				assertThat(activeConnections(context)).isZero();

				// first transaction: read-only, so a replica, however early the state was set
				transaction(connection, true);
				assertThat(node(port(connection))).isEqualTo("replica1");
				assertServerState(connection, "repeatable read");
				assertSessionState(connection, typeMap);
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
				assertThat(activeConnections(context)).as("given back when the transaction ended").isZero();
				assertSessionState(connection, typeMap);
				assertThat(activeConnections(context)).isZero();

				// second transaction on the same connection (open-session-in-view): read-write
				connection.setReadOnly(false);
				transaction(connection, false);
				assertThat(node(port(connection))).isEqualTo("primary");
				assertServerState(connection, "repeatable read");
				assertSessionState(connection, typeMap);
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
			}
			assertNoActiveConnections(context);
			assertThat(serverStateOfIdlePoolConnections(context)).as("nothing leaks into the pools").isTrue();
		});
	}

	@Test
	void sessionStateSetBeforeReadOnlyDoesNotPinTheWriter() {
		runner().run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setSchema("contract");
				connection.setCatalog(cluster.database());
				connection.setClientInfo("ApplicationName", "early-state");
				connection.setNetworkTimeout(this.executor, 30_000);
				connection.setTypeMap(new HashMap<>());
				transaction(connection, true);
				assertThat(node(port(connection))).isEqualTo("replica1");
				assertThat(query(connection, "select current_schema()")).isEqualTo("contract");
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void sessionStateFollowsATransactionMovedFromADeadReaderToTheWriter() {
		runner().run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				transaction(connection, true);
				connection.setSchema("contract");
				connection.setClientInfo("ApplicationName", "moved-app");
				try (Statement statement = connection.createStatement()) {
					terminateReaderSessions();
					try (ResultSet result = statement.executeQuery(
							"select inet_server_port(), current_schema(), current_setting('application_name')")) {
						result.next();
						assertThat(node(result.getInt(1))).isEqualTo("primary");
						assertThat(result.getString(2)).isEqualTo("contract");
						assertThat(result.getString(3)).isEqualTo("moved-app");
					}
				}
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void savepointsTakenOnADeadReaderFollowTheTransactionToTheWriter() {
		runner().run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				transaction(connection, true);
				Savepoint outer = connection.setSavepoint("outer");
				Savepoint inner = connection.setSavepoint();
				terminateReaderSessions();
				assertThat(node(port(connection))).isEqualTo("primary");
				assertThat(outer.getSavepointName()).isEqualTo("outer");
				connection.rollback(inner);
				connection.releaseSavepoint(outer);
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void abortGivesThePooledConnectionBack() {
		runner().run((context) -> {
			Connection connection = context.getBean(DataSource.class).getConnection();
			connection.setAutoCommit(false);
			assertThat(node(port(connection))).isEqualTo("primary");
			assertThat(active(context, WRITER_POOL)).isEqualTo(1);
			connection.abort(this.executor);
			assertThat(connection.isClosed()).isTrue();
			assertNoActiveConnections(context);
			connection.close();
			// the pool still serves
			assertThat(context.getBean(JdbcClient.class).sql("select 1").query(Integer.class).single()).isOne();
			assertNoActiveConnections(context);
		});
	}

	@Test
	void gettersAnswerWithoutBorrowingAndLeaveTheRouteOpen() {
		runner().run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(connection.getHoldability()).isEqualTo(ResultSet.CLOSE_CURSORS_AT_COMMIT);
				assertThat(connection.getSchema()).isEqualTo("public");
				assertThat(connection.getCatalog()).isEqualTo(cluster.database());
				assertThat(connection.getNetworkTimeout()).isZero();
				assertThat(connection.getTypeMap()).isEmpty();
				assertThat(connection.getClientInfo("ApplicationName")).isEqualTo("PostgreSQL JDBC Driver");
				assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
				assertThat(connection.isValid(1)).isTrue();
				assertThat(connection.nativeSQL("select {fn abs(-1)}")).isEqualTo("select abs(-1)");
				assertThat((Object) connection.getWarnings()).isNull();
				assertThat(connection.isWrapperFor(PGConnection.class)).isTrue();
				DatabaseMetaData metaData = connection.getMetaData();
				assertThat(metaData.getDatabaseProductName()).isEqualTo("PostgreSQL");
				assertThat(metaData.getURL()).isNotEmpty();
				assertThat(metaData.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE)).isTrue();
				assertThat(metaData.getConnection()).isSameAs(connection);
				assertThat(activeConnections(context)).as("nothing borrowed, nothing bound").isZero();
				// so the read-only flag set afterwards still decides the route
				transaction(connection, true);
				assertThat(node(port(connection))).isEqualTo("replica1");
				try (ResultSet tables = metaData.getTables(null, "contract", "things", null)) {
					assertThat(tables.next()).isTrue();
					assertThat(tables.getStatement()).isNull();
				}
				assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void unwrappedDriverConnectionIsUsableOnlyWhileBound() {
		runner().run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				transaction(connection, false);
				PGConnection driver = connection.unwrap(PGConnection.class);
				assertThat(driver.getBackendPID()).isPositive();
				assertThat(driver.getNotifications()).isEmpty();
				connection.commit();
				TransactionSynchronizationManager.clearSynchronization();
				assertThat(activeConnections(context)).isZero();
				assertThatExceptionOfType(SQLException.class).isThrownBy(driver::getNotifications)
					.withMessageContaining("given back");
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void isolationOfAnUnboundConnectionIsTheReaderPoolsForReadOnlyWork() {
		runner("rw-routing.readers.replica1.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
					connection.setReadOnly(true);
					assertThat(connection.getTransactionIsolation())
						.isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
					assertThat(activeConnections(context)).isZero();
				}
				// read committed differs from the reader pool's level, so it must be set
				TransactionTemplate readCommitted = transactionTemplate(context, true,
						TransactionDefinition.ISOLATION_READ_COMMITTED);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				String readCommittedLevel = readCommitted
					.execute((status) -> jdbc.sql("show transaction_isolation").query(String.class).single());
				assertThat(readCommittedLevel).isEqualTo("read committed");
				// after the transaction the reader pool's own level again, on the same pool
				TransactionTemplate readOnly = transactionTemplate(context, true, TransactionDefinition.ISOLATION_DEFAULT);
				String readOnlyLevel = readOnly
					.execute((status) -> jdbc.sql("show transaction_isolation").query(String.class).single());
				assertThat(readOnlyLevel).isEqualTo("repeatable read");
				assertNoActiveConnections(context);
			});
	}

	@Test
	void anIsolationLevelRestoredToTheReportedDefaultIsEachPoolsDefaultOnTheNextBind() {
		runner("rw-routing.readers.replica1.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					// what DataSourceUtils does around a read-only transaction with its own level
					transaction(connection, true);
					int previous = connection.getTransactionIsolation();
					assertThat(previous).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
					connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
					assertThat(query(connection, "select inet_server_port() || ' ' || current_setting('transaction_isolation')"))
						.isEqualTo(cluster.replica(1).port() + " read committed");
					connection.commit();
					TransactionSynchronizationManager.clearSynchronization();
					connection.setTransactionIsolation(previous);
					connection.setReadOnly(false);
					// the next transaction on the same connection runs at the writer pool's own level
					transaction(connection, false);
					assertThat(query(connection, "select inet_server_port() || ' ' || current_setting('transaction_isolation')"))
						.isEqualTo(cluster.primary().port() + " read committed");
					connection.commit();
					TransactionSynchronizationManager.clearSynchronization();
				}
				assertNoActiveConnections(context);
			});
	}

	@Test
	void aClosedConnectionRefusesWorkAndSaysSo() {
		runner().run((context) -> {
			Connection connection = context.getBean(DataSource.class).getConnection();
			connection.setAutoCommit(false);
			assertThat(node(port(connection))).isEqualTo("primary");
			connection.close();
			connection.close();
			assertThat(connection.isClosed()).isTrue();
			assertThat(connection.isValid(1)).isFalse();
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08003"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::getMetaData);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.setSchema("contract"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::getAutoCommit);
			assertNoActiveConnections(context);
		});
	}

	@Test
	void readOnlyTransactionWithAnIsolationLevelRunsWhileTheWriterIsDown() throws Exception {
		String deadWriter = cluster.primary().jdbcUrl().replace(":" + cluster.primary().port() + "/", ":" + closedPort() + "/");
		runner("spring.datasource.url=" + deadWriter, "rw-routing.consistency.mode=none",
				"spring.datasource.hikari.connection-timeout=1000")
			.run((context) -> {
				TransactionTemplate template = transactionTemplate(context, true,
						TransactionDefinition.ISOLATION_REPEATABLE_READ);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				String result = template.execute((status) -> jdbc
					.sql("select inet_server_port() || ' ' || current_setting('transaction_isolation')")
					.query(String.class)
					.single());
				assertThat(result).isEqualTo(cluster.replica(1).port() + " repeatable read");
				assertNoActiveConnections(context);
			});
	}

	@Test
	void readerPoolsInManualCommitModeCheckConsistencyOutsideTheReadsTransaction() {
		runner("spring.datasource.hikari.auto-commit=false", "rw-routing.consistency.max-wait=5s").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> jdbc.sql("insert into public.rows (name) values ('manual-commit')")
					.update());
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			TransactionTemplate repeatableRead = transactionTemplate(context, true,
					TransactionDefinition.ISOLATION_REPEATABLE_READ);
			String result = repeatableRead.execute((status) -> jdbc
				.sql("select inet_server_port() || ' ' || current_setting('transaction_isolation') || ' '"
						+ " || (select count(*) from public.rows where name = 'manual-commit')")
				.query(String.class)
				.single());
			assertThat(result).isEqualTo(cluster.replica(1).port() + " repeatable read 1");
			assertNoActiveConnections(context);
		});
	}

	@Test
	void aReadWhoseReplicaCatchesUpDuringTheWaitSeesTheWrite() {
		runner("spring.datasource.hikari.auto-commit=false", "rw-routing.consistency.max-wait=20s").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			cluster.replica(1).pauseReplay();
			try {
				context.getBean(TransactionTemplate.class)
					.executeWithoutResult((status) -> jdbc.sql("insert into public.rows (name) values ('waited-for')")
						.update());
				// Replay resumes once the read is waiting on the replica, so the write arrives during the wait.
				this.executor.submit(() -> {
					await().atMost(Duration.ofSeconds(20)).until(() -> Sql.queryInt(cluster.replica(1),
							"select count(*) from pg_stat_activity where query like '%pg_last_wal_replay_lsn%'"
									+ " and pid <> pg_backend_pid()") > 0);
					cluster.replica(1).resumeReplay();
					return null;
				});
				TransactionTemplate repeatableRead = transactionTemplate(context, true,
						TransactionDefinition.ISOLATION_REPEATABLE_READ);
				String result = repeatableRead.execute((status) -> jdbc
					.sql("select inet_server_port() || ' ' || (select count(*) from public.rows where name = 'waited-for')")
					.query(String.class)
					.single());
				assertThat(result).isEqualTo(cluster.replica(1).port() + " 1");
			}
			finally {
				cluster.replica(1).resumeReplay();
			}
			assertNoActiveConnections(context);
		});
	}

	@Test
	void aFailureClosingTheConnectionAfterACommitDoesNotRerunTheTransaction() {
		runner().run((context) -> {
			Writes writes = context.getBean(Writes.class);
			writes.insertSerializableTerminatedAfterCommit("closed-after-commit");
			assertThat(writes.attempts()).isEqualTo(1);
			assertThat(Sql.queryInt(cluster.primary(),
					"select count(*) from public.rows where name = 'closed-after-commit'")).isEqualTo(1);
			assertThat(context.getBean(TerminateAfterCommit.class).terminated()).as("the session was terminated")
				.isEqualTo(1);
			assertNoActiveConnections(context);
		});
	}

	@Test
	void aReadOnlyTransactionLosingItsConnectionAtCommitCompletes() {
		runner().run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate readOnly = transactionTemplate(context, true, TransactionDefinition.ISOLATION_DEFAULT);
			Integer port = readOnly.execute((status) -> {
				int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
				terminateBeforeCommit(pid, cluster.replica(1).name());
				return jdbc.sql("select inet_server_port()").query(Integer.class).single();
			});
			assertThat(node(port)).isEqualTo("replica1");
			assertNoActiveConnections(context);
		});
	}

	@Test
	void aTransactionThatWroteNothingLosingItsConnectionAtCommitCompletes() {
		runner().run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Integer port = context.getBean(TransactionTemplate.class).execute((status) -> {
				int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
				terminateBeforeCommit(pid, "primary");
				return jdbc.sql("select inet_server_port()").query(Integer.class).single();
			});
			assertThat(node(port)).isEqualTo("primary");
			assertNoActiveConnections(context);
		});
	}

	private static void terminateBeforeCommit(int pid, String node) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void beforeCommit(boolean readOnly) {
				terminate(pid, node);
			}

		});
	}

	private static void terminate(int pid, String node) {
		try {
			// waits up to 10 s until the session is gone
			Sql.execute(cluster.node(node), "select pg_terminate_backend(" + pid + ", 10000)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Kills every pooled session on the replica, as a replica restart would: pooled connections to it are
	 * dead, and the next statement on one of them fails.
	 */
	private static void terminateReaderSessions() throws SQLException {
		Sql.execute(cluster.replica(1), "select pg_terminate_backend(pid, 10000) from pg_stat_activity "
				+ "where backend_type = 'client backend' and pid <> pg_backend_pid()");
	}

	/**
	 * Starts a Spring-managed transaction on a connection held across transactions, as
	 * {@code JpaTransactionManager} does for a session kept open for a whole web request.
	 */
	private static void transaction(Connection connection, boolean readOnly) throws SQLException {
		TransactionSynchronizationManager.initSynchronization();
		connection.setReadOnly(readOnly);
		connection.setAutoCommit(false);
	}

	private static void assertSessionState(Connection connection, Map<String, Class<?>> typeMap) throws SQLException {
		assertThat(connection.getSchema()).isEqualTo("contract");
		assertThat(connection.getClientInfo("ApplicationName")).isEqualTo("contract-app");
		assertThat(connection.getClientInfo().getProperty("ApplicationName")).isEqualTo("contract-app");
		assertThat(connection.getNetworkTimeout()).isEqualTo(45_000);
		assertThat(connection.getTypeMap()).isEqualTo(typeMap);
		assertThat(connection.getHoldability()).isEqualTo(ResultSet.HOLD_CURSORS_OVER_COMMIT);
		assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
	}

	private static void assertServerState(Connection connection, String isolation) throws SQLException {
		assertThat(query(connection, "select current_schema()")).isEqualTo("contract");
		assertThat(query(connection, "select current_setting('application_name')")).isEqualTo("contract-app");
		assertThat(query(connection, "select current_setting('transaction_isolation')")).isEqualTo(isolation);
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select name from things")) {
			ResultSetMetaData metaData = result.getMetaData();
			assertThat(metaData.getColumnName(1)).isEqualTo("name");
			assertThat(result.getStatement().getResultSetHoldability()).isEqualTo(ResultSet.HOLD_CURSORS_OVER_COMMIT);
		}
	}

	/**
	 * Whether the pools' idle connections are back at the pool's own session state.
	 */
	private static boolean serverStateOfIdlePoolConnections(AssertableApplicationContext context) throws SQLException {
		for (String pool : new String[] { WRITER_POOL, READER_POOL }) {
			try (Connection connection = context.getBean(pool, HikariDataSource.class).getConnection();
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery(
							"select current_schema(), current_setting('application_name')")) {
				result.next();
				if (!"public".equals(result.getString(1)) || "contract-app".equals(result.getString(2))
						|| connection.getHoldability() != ResultSet.CLOSE_CURSORS_AT_COMMIT
						|| !connection.getTypeMap().isEmpty()) {
					return false;
				}
			}
		}
		return true;
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	private static int port(Connection connection) throws SQLException {
		return Integer.parseInt(query(connection, "select inet_server_port()"));
	}

	private static String node(int port) {
		return ClusterProperties.nodeName(cluster, port);
	}

	private static TransactionTemplate transactionTemplate(AssertableApplicationContext context, boolean readOnly,
			int isolation) {
		TransactionTemplate template = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		template.setReadOnly(readOnly);
		template.setIsolationLevel(isolation);
		return template;
	}

	private static int activeConnections(AssertableApplicationContext context) {
		return active(context, WRITER_POOL) + active(context, READER_POOL);
	}

	private static int active(AssertableApplicationContext context, String pool) {
		HikariPoolMXBean bean = context.getBean(pool, HikariDataSource.class).getHikariPoolMXBean();
		return (bean != null) ? bean.getActiveConnections() : 0;
	}

	private static void assertNoActiveConnections(AssertableApplicationContext context) {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(active(context, WRITER_POOL)).as("writer pool connections in use").isZero();
			assertThat(active(context, READER_POOL)).as("reader pool connections in use").isZero();
		});
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class WritesConfiguration {

		@Bean
		TerminateAfterCommit terminateAfterCommit() {
			return new TerminateAfterCommit();
		}

		@Bean
		Writes writes(JdbcClient jdbc, TerminateAfterCommit terminate) {
			return new Writes(jdbc, terminate);
		}

	}

	/**
	 * Terminates a session from another session right after its COMMIT succeeded (the position capture is
	 * the first thing that runs after it), so that the pool's reset of the connection fails.
	 */
	static class TerminateAfterCommit implements ConsistencyListener {

		private volatile int pid;

		private final AtomicInteger terminated = new AtomicInteger();

		void next(int pid) {
			this.pid = pid;
		}

		int terminated() {
			return this.terminated.get();
		}

		@Override
		public void outcome(ConsistencyOutcome outcome) {
			int session = this.pid;
			if (outcome == ConsistencyOutcome.CAPTURED && session != 0) {
				this.pid = 0;
				terminate(session, "primary");
				this.terminated.incrementAndGet();
			}
		}

		@Override
		public void waited(long nanos, boolean caughtUp) {
		}

	}

	static class Writes {

		private final AtomicInteger attempts = new AtomicInteger();

		private final JdbcClient jdbc;

		private final TerminateAfterCommit terminate;

		Writes(JdbcClient jdbc, TerminateAfterCommit terminate) {
			this.jdbc = jdbc;
			this.terminate = terminate;
		}

		int attempts() {
			return this.attempts.get();
		}

		@FailoverRetry
		@Transactional(isolation = Isolation.SERIALIZABLE)
		public void insertSerializableTerminatedAfterCommit(String name) {
			this.jdbc.sql("insert into public.rows (name) values (?)").param(name).update();
			int pid = this.jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
			if (this.attempts.incrementAndGet() == 1) {
				this.terminate.next(pid);
			}
		}

	}

}
