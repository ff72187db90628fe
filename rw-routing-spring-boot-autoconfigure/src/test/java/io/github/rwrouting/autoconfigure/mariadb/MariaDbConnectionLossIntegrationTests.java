package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What MariaDB Connector/J and MySQL Connector/J throw when the MariaDB server behind a connection is
 * killed (SIGKILL), shut down (SIGTERM) or frozen (SIGSTOP, seen through the drivers' socket timeout),
 * for a connection idle at the fault, one running a statement at the fault and a new connection, and
 * that {@link FailoverExceptions} classifies each as a connection failure and a failover. Each
 * observation is printed ({@code connection loss: driver fault situation -> class SQLSTATE code}).
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbConnectionLossIntegrationTests {

	private static final int CONNECT_TIMEOUT_MILLIS = 1000;

	private static MariaDbCluster cluster;

	private final List<Connection> opened = new ArrayList<>();

	@BeforeAll
	static void keep(MariaDbCluster mariadb) {
		cluster = mariadb;
	}

	@AfterEach
	void restoreNode() {
		for (Connection connection : this.opened) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// already broken by the fault
			}
		}
		MariaDbNode node = node();
		if (node.isFrozen()) {
			node.thaw();
		}
		if (!node.isRunning()) {
			node.start();
		}
	}

	private static MariaDbNode node() {
		return cluster.replica(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void aKilledServer(String driver) throws Exception {
		observe(driver, "kill -9", MariaDbNode::kill, 20_000);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void aServerShutDown(String driver) throws Exception {
		observe(driver, "shutdown", MariaDbNode::stop, 20_000);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void aFrozenServer(String driver) throws Exception {
		// The running statement would answer after 2 s, the socket timeout fires after 3 s: only the freeze fails it.
		observe(driver, "freeze", MariaDbNode::freeze, 3_000);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void aConnectionKilledOnTheServer(String driver) throws Exception {
		// KILL CONNECTION (an administrator, a proxy, a managed service ending sessions): the running
		// statement gets MariaDB's error 1927, the connection is gone afterwards.
		Connection busy = connect(driver, 20_000);
		long id;
		try (Statement statement = busy.createStatement(); var rs = statement.executeQuery("SELECT CONNECTION_ID()")) {
			rs.next();
			id = rs.getLong(1);
		}
		CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
			try (Statement statement = busy.createStatement()) {
				return statement.executeQuery("SELECT SLEEP(2)");
			}
			catch (SQLException ex) {
				return ex;
			}
		});
		awaitSleeping();
		try (Connection root = node().connect(); Statement statement = root.createStatement()) {
			statement.execute("KILL CONNECTION " + id);
		}
		Object busyOutcome = running.get(20, TimeUnit.SECONDS);
		assertThat(busyOutcome).as("the running statement's outcome").isInstanceOf(SQLException.class);
		classify(driver, "KILL CONNECTION", "running statement", (SQLException) busyOutcome);
		classify(driver, "KILL CONNECTION", "next statement", failure(() -> query(busy)));
	}

	private void observe(String driver, String fault, Consumer<MariaDbNode> injection, int socketTimeoutMillis)
			throws Exception {
		Connection idle = connect(driver, socketTimeoutMillis);
		Connection busy = connect(driver, socketTimeoutMillis);
		assertThat(query(idle)).isEqualTo(1);
		CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
			try (Statement statement = busy.createStatement()) {
				return statement.executeQuery("SELECT SLEEP(2)");
			}
			catch (SQLException ex) {
				return ex;
			}
		});
		awaitSleeping();
		injection.accept(node());
		Object busyOutcome = running.get(20, TimeUnit.SECONDS);
		assertThat(busyOutcome).as("the running statement's outcome").isInstanceOf(SQLException.class);
		classify(driver, fault, "running statement", (SQLException) busyOutcome);
		classify(driver, fault, "idle connection", failure(() -> query(idle)));
		classify(driver, fault, "new connection", failure(() -> query(connect(driver, socketTimeoutMillis))));
	}

	private void awaitSleeping() throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		try (Connection root = node().connect(); Statement statement = root.createStatement()) {
			while (System.nanoTime() < deadline) {
				var rs = statement.executeQuery("SELECT COUNT(*) FROM information_schema.processlist "
						+ "WHERE info = 'SELECT SLEEP(2)'");
				rs.next();
				if (rs.getInt(1) > 0) {
					return;
				}
				Thread.onSpinWait();
			}
		}
		fail("the statement did not start");
	}

	private static void classify(String driver, String fault, String situation, SQLException ex) {
		System.out.printf("connection loss: %s %s %s -> %s %s %d (%s)%n", driver, fault, situation,
				ex.getClass().getName(), ex.getSQLState(), ex.getErrorCode(), firstLine(ex.getMessage()));
		assertThat(FailoverExceptions.isConnectionFailure(ex)).as("%s %s %s: %s", driver, fault, situation, ex)
			.isTrue();
		assertThat(FailoverExceptions.isFailover(ex)).as("%s %s %s: %s", driver, fault, situation, ex).isTrue();
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int end = message.indexOf('\n');
		return (end >= 0) ? message.substring(0, end) : message;
	}

	private static SQLException failure(SqlCall call) throws Exception {
		CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
			try {
				call.run();
				return null;
			}
			catch (SQLException ex) {
				return ex;
			}
		});
		try {
			SQLException ex = outcome.get(20, TimeUnit.SECONDS);
			assertThat((Object) ex).as("an error").isNotNull();
			return ex;
		}
		catch (ExecutionException ex) {
			throw (Exception) ex.getCause();
		}
	}

	private Connection connect(String driver, int socketTimeoutMillis) throws SQLException {
		String timeouts = "connectTimeout=" + CONNECT_TIMEOUT_MILLIS + "&socketTimeout=" + socketTimeoutMillis;
		MariaDbNode node = node();
		String url = switch (driver) {
			case "mariadb" -> node.jdbcUrl() + "?" + timeouts;
			case "mysql" -> "jdbc:mysql://" + MariaDbNode.HOST + ":" + node.port() + "/" + cluster.database()
					+ "?sslMode=DISABLED&" + timeouts;
			default -> throw new IllegalArgumentException(driver);
		};
		Connection connection = DriverManager.getConnection(url, cluster.username(), cluster.password());
		this.opened.add(connection);
		return connection;
	}

	private static int query(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); var rs = statement.executeQuery("SELECT 1")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	@FunctionalInterface
	interface SqlCall {

		void run() throws SQLException;

	}

}
