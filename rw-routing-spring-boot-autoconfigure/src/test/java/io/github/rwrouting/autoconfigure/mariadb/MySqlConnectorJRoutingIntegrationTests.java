package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.topology.DialectResolver;
import io.github.rwrouting.topology.DialectType;
import io.github.rwrouting.topology.MariaDbDialect;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every test of {@link MariaDbRoutingIntegrationTests} again with MySQL Connector/J
 * ({@code jdbc:mysql:} URLs, no {@code rw-routing.dialect}: the monitor asks the server which it is),
 * against the same kind of real MariaDB primary and GTID replica, and what the recipe's URL flags do
 * with this driver.
 */
class MySqlConnectorJRoutingIntegrationTests extends MariaDbRoutingIntegrationTests {

	// useLocalTransactionState: commit() sends nothing when the server reports no transaction open
	// (after "COMMIT; SELECT ..."), as MariaDB Connector/J does by default.
	private static final String DRIVER_FLAGS = "sslMode=DISABLED&useLocalTransactionState=true";

	@Override
	String url(MariaDbNode node, String parameters) {
		return mysqlUrl(node, DRIVER_FLAGS + (parameters.isEmpty() ? "" : "&" + parameters));
	}

	private static String mysqlUrl(MariaDbNode node, String parameters) {
		return "jdbc:mysql://" + MariaDbNode.HOST + ":" + node.port() + "/" + cluster.database() + "?" + parameters;
	}

	/**
	 * MySQL Connector/J refuses it itself, before the replica sees it: the transaction's
	 * {@code setReadOnly(true)} makes the connection read-only in the driver.
	 */
	@Override
	void assertReadOnlyRefusal(SQLException cause) {
		assertThat(cause.getSQLState()).isEqualTo("S1009");
		assertThat(cause.getMessage()).contains("Connection is read-only");
	}

	@Test
	void theUrlLeavesTheDialectToTheServerWhichAnswersMariaDb() throws SQLException {
		DialectResolver auto = new DialectResolver(DialectType.AUTO);
		String url = url(cluster.primary(), "");
		assertThat(auto.forUrl(url)).as("MySQL, MariaDB or Aurora MySQL: not known from the URL").isNull();
		try (Connection connection = DriverManager.getConnection(url, cluster.username(), cluster.password())) {
			assertThat(auto.detect(connection)).isExactlyInstanceOf(MariaDbDialect.class);
		}
	}

	@Test
	void askingForTheAuroraVersionFailsWithUnknownSystemVariableOffAurora() throws SQLException {
		// What detection relies on to tell MySQL from Aurora MySQL (MySQL answers the same, not run).
		for (String url : new String[] { url(cluster.primary(), ""), cluster.primary().jdbcUrl() }) {
			try (Connection connection = DriverManager.getConnection(url, cluster.username(), cluster.password());
					Statement statement = connection.createStatement()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.executeQuery("SELECT @@aurora_version"))
					.satisfies((ex) -> assertThat(ex.getErrorCode()).as(url).isEqualTo(1193));
			}
		}
	}

	@Test
	void withUseLocalTransactionStateACapturingCommitIsOneCommitStatement() {
		assertThat(commitsPerCapturedWrite(url(cluster.primary(), "allowMultiQueries=true"))).isEqualTo(1);
		assertThat(commitsPerCapturedWrite(
				mysqlUrl(cluster.primary(), "sslMode=DISABLED&allowMultiQueries=true")))
			.as("without useLocalTransactionState, commit() sends a second COMMIT")
			.isEqualTo(2);
	}

	private long commitsPerCapturedWrite(String writerUrl) {
		long[] commits = new long[1];
		runnerFor(writerUrl).run((context) -> {
			MariaDbDialect dialect = dialect(context);
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			consistency.set(null);
			try {
				write(context, jdbc, "warm-up");
				long before = globalCommits();
				write(context, jdbc, "counted commit");
				commits[0] = globalCommits() - before;
				assertThat(consistency.current().entries().get(0).gtids())
					.hasToString(cluster.primary().gtidPosition());
				assertThat(dialect.readsPositionWithCommit()).isTrue();
			}
			finally {
				consistency.set(null);
			}
		});
		return commits[0];
	}

	// The monitor's polls run in auto-commit mode and count no COMMIT.
	private static long globalCommits() throws SQLException {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_commit'")) {
			result.next();
			return result.getLong(2);
		}
	}

}
