package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The statements of the routed connection against a real primary and replica: they never hand out
 * the pooled connection, a reader found dead at the first statement moves the statement to the
 * writer with its parameters, and a replica's refusal of a write says what happened.
 */
@ReplicatedPostgres(replicas = 1)
class StatementRoutingIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table statements (id serial primary key, name text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.consistency.mode=none"));
	}

	@Test
	void statementsAndResultSetsHandOutTheRoutedConnectionNeverThePooledOne() {
		runner().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			String readOnlyNode = transaction(context, true).execute((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (PreparedStatement prepared = connection.prepareStatement("select inet_server_port() where 1 = ?")) {
					prepared.setInt(1, 1);
					assertThat(prepared.getConnection()).isSameAs(connection);
					try (ResultSet result = prepared.executeQuery()) {
						assertThat(result.getStatement()).isSameAs(prepared);
						assertThat(result.getStatement().getConnection()).isSameAs(connection);
						assertThat(result.next()).isTrue();
						assertThat(result.unwrap(ResultSet.class)).isSameAs(result);
						assertThat(prepared.unwrap(PGStatement.class)).isNotNull();
						return node(result.getInt(1));
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(readOnlyNode).isEqualTo("replica1");
			transaction(context, false).executeWithoutResult((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (Statement statement = connection.createStatement()) {
					assertThat(statement.getConnection()).isSameAs(connection);
					assertThat(statement.execute("select 1")).isTrue();
					assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
					assertThat(statement.executeUpdate("insert into statements (name) values ('generated')",
							Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
					try (ResultSet keys = statement.getGeneratedKeys()) {
						assertThat(keys.getStatement()).isSameAs(statement);
						assertThat(keys.getStatement().getConnection()).isSameAs(connection);
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
		});
	}

	@Test
	void aReaderFoundDeadAtTheFirstStatementMovesItToTheWriterWithItsParameters() {
		runner().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			PostgresNode replica = cluster.replica(1);
			String result = transaction(context, true).execute((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (PreparedStatement prepared = connection
					.prepareStatement("select inet_server_port(), ?::text, ?::int, pg_is_in_recovery()")) {
					prepared.setString(1, "kept");
					int pid = backendPid(prepared);
					// The pooled reader connection dies between the transaction's start and its first statement.
					Sql.execute(replica, "select pg_terminate_backend(" + pid + ")");
					await().atMost(Duration.ofSeconds(30))
						.until(() -> Sql.queryInt(replica, "select count(*) from pg_stat_activity where pid = " + pid) == 0);
					prepared.setInt(2, 42);
					try (ResultSet rows = prepared.executeQuery()) {
						assertThat(rows.next()).isTrue();
						assertThat(rows.getStatement()).isSameAs(prepared);
						return node(rows.getInt(1)) + "/" + rows.getString(2) + "/" + rows.getInt(3) + "/recovery="
								+ rows.getBoolean(4);
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(result).isEqualTo("primary/kept/42/recovery=false");
		});
	}

	@Test
	void aWriteOutsideATransactionOnAReaderSaysWhatHappenedAndWhatToSet() {
		runner().withPropertyValues("rw-routing.non-transactional=reader").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThatException()
				.isThrownBy(() -> jdbc.sql("insert into statements (name) values (?)").param("refused").update())
				.withMessageContaining("outside a transaction on replica 'reader-replica1'")
				.withMessageContaining("(rw-routing.non-transactional=reader)")
				.withMessageContaining("Nothing was written")
				.withMessageContaining("rw-routing.non-transactional=auto")
				.withMessageNotContaining("read-only transaction on replica");
			assertThat(Sql.queryInt(cluster.primary(), "select count(*) from statements where name = 'refused'"))
				.isZero();
		});
	}

	private static int backendPid(PreparedStatement prepared) throws SQLException {
		Connection pooled = ((Statement) prepared.unwrap(PGStatement.class)).getConnection();
		return pooled.unwrap(PGConnection.class).getBackendPID();
	}

	private static TransactionTemplate transaction(AssertableApplicationContext context, boolean readOnly) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(readOnly);
		return transaction;
	}

	private static String node(int port) {
		return ClusterProperties.nodeName(cluster, port);
	}

}
