package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Every row of the routing table and the routed statements, with
 * {@code DataSourceTransactionManager}, JdbcClient and JdbcTemplate, against a real MariaDB primary
 * with two GTID replicas: the rows that touch the driver with MariaDB Connector/J (with and without
 * {@code allowMultiQueries}) and MySQL Connector/J, the rest with MariaDB Connector/J.
 */
@ReplicatedMariaDb(replicas = 2)
class MariaDbJdbcRoutingIntegrationTests {

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		MariaDbSql.execute(cluster.primary(),
				"create table items (id int auto_increment primary key, name varchar(100) not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner(MariaDbDriver driver) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withUserConfiguration(ProbeConfiguration.class)
			.withPropertyValues(driver.properties(cluster));
	}

	private ApplicationContextRunner runner() {
		return runner(MariaDbDriver.MARIADB_MULTI_QUERIES);
	}

	@ParameterizedTest
	@EnumSource
	void readOnlyTransactionsRunOnBothReplicasAndReadWriteOnesOnThePrimary(MariaDbDriver driver) {
		runner(driver).run((context) -> {
			Probe probe = context.getBean(Probe.class);
			Set<String> nodes = new HashSet<>();
			for (int i = 0; i < 6; i++) {
				nodes.add(node(probe.readOnly()));
			}
			assertThat(nodes).containsExactlyInAnyOrder("replica1", "replica2");
			assertThat(node(probe.readWrite())).isEqualTo("primary");
		});
	}

	@Test
	void nonTransactionalWorkRunsOnThePrimaryByDefault() {
		runner().run((context) -> {
			assertThat(node(context.getBean(Probe.class).nonTransactional())).isEqualTo("primary");
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(node(jdbc.sql("select @@port").query(Integer.class).single())).isEqualTo("primary");
		});
	}

	@Test
	void nonTransactionalWorkCanBeSentToReaders() {
		runner().withPropertyValues("rw-routing.non-transactional=reader").run((context) -> {
			assertThat(node(context.getBean(Probe.class).nonTransactional())).startsWith("replica");
			assertThat(node(context.getBean(Probe.class).readWrite())).isEqualTo("primary");
		});
	}

	@Test
	void nonTransactionalPlainReadsGoToReadersAndWritesToTheWriterInAutoMode() {
		runner().withPropertyValues("rw-routing.non-transactional=auto").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(node(jdbc.sql("select @@port").query(Integer.class).single())).startsWith("replica");
			jdbc.sql("insert into items (name) values (?)").param("auto-write").update();
			assertThat(countOnPrimary("auto-write")).isOne();
		});
	}

	@Test
	void readOnlyMethodJoiningAReadWriteTransactionStaysOnThePrimary() {
		runner().run((context) -> {
			List<Integer> ports = context.getBean(Outer.class).readWriteThenJoinedReadOnly();
			assertThat(ports).extracting(MariaDbJdbcRoutingIntegrationTests::node).containsExactly("primary", "primary");
		});
	}

	@Test
	void requiresNewReadOnlyInsideReadWriteRunsOnAReplica() {
		runner().run((context) -> {
			List<Integer> ports = context.getBean(Outer.class).readWriteThenRequiresNewReadOnly();
			assertThat(node(ports.get(0))).isEqualTo("primary");
			assertThat(node(ports.get(1))).startsWith("replica");
		});
	}

	@Test
	void requiresNewReadWriteInsideReadOnlyRunsOnThePrimaryAndWrites() {
		runner().run((context) -> {
			List<Integer> ports = context.getBean(Outer.class).readOnlyThenRequiresNewWrite("nested-write");
			assertThat(node(ports.get(0))).startsWith("replica");
			assertThat(node(ports.get(1))).isEqualTo("primary");
			assertThat(countOnPrimary("nested-write")).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource
	void writeInsideReadOnlyTransactionFailsNamingTheReplicaAndWritesNothing(MariaDbDriver driver) {
		runner(driver).run((context) -> {
			Probe probe = context.getBean(Probe.class);
			String name = "forbidden-" + driver;
			assertThatException().isThrownBy(() -> probe.insertInReadOnly(name))
				.withMessageContaining("read-only transaction on replica 'reader-replica")
				.withMessageContaining("Nothing was written")
				// MySQL Connector/J refuses the write on the read-only connection before sending it
				.withMessageContaining((driver == MariaDbDriver.MYSQL) ? "Connection is read-only" : "--read-only");
			assertThat(countOnPrimary(name)).isZero();
			for (MariaDbNode replica : cluster.replicas()) {
				assertThat(MariaDbSql.queryInt(replica, "select count(*) from items where name = '" + name + "'"))
					.isZero();
			}
		});
	}

	@Test
	void aWriteOutsideATransactionOnAReaderSaysWhatHappenedAndWhatToSet() {
		runner().withPropertyValues("rw-routing.non-transactional=reader").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThatException()
				.isThrownBy(() -> jdbc.sql("insert into items (name) values (?)").param("refused").update())
				.withMessageContaining("outside a transaction on replica 'reader-replica")
				.withMessageContaining("(rw-routing.non-transactional=reader)")
				.withMessageContaining("Nothing was written")
				.withMessageContaining("rw-routing.non-transactional=auto");
			assertThat(countOnPrimary("refused")).isZero();
		});
	}

	@Test
	void readOnlyTransactionWithItsOwnIsolationLevelRunsOnAReplicaAndTheLevelDoesNotLeak() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			// MariaDB's default is REPEATABLE-READ: the transaction's own level must reach the replica
			// and be gone for the next borrower of the pooled connection.
			assertThat(probe.readCommittedReadOnly()).startsWith("READ-COMMITTED@replica");
			for (int i = 0; i < 4; i++) {
				assertThat(probe.readOnlyIsolation()).isEqualTo("REPEATABLE-READ");
			}
		});
	}

	@ParameterizedTest
	@EnumSource
	void writesOnThePrimaryAreReadFromAReplicaOnceReplayed(MariaDbDriver driver) {
		runner(driver).run((context) -> {
			Probe probe = context.getBean(Probe.class);
			String name = "replicated-" + driver;
			probe.insert(name);
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			assertThat(probe.countReadOnly(name)).isEqualTo(1);
		});
	}

	@Test
	void statementsAndResultSetsHandOutTheRoutedConnectionNeverThePooledOne() {
		runner().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			String readOnlyNode = transaction(context, true).execute((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (PreparedStatement prepared = connection.prepareStatement("select @@port from dual where 1 = ?")) {
					prepared.setInt(1, 1);
					assertThat(prepared.getConnection()).isSameAs(connection);
					try (ResultSet result = prepared.executeQuery()) {
						assertThat(result.getStatement()).isSameAs(prepared);
						assertThat(result.getStatement().getConnection()).isSameAs(connection);
						assertThat(result.next()).isTrue();
						assertThat(prepared.unwrap(org.mariadb.jdbc.Statement.class)).isNotNull();
						return node(result.getInt(1));
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(readOnlyNode).startsWith("replica");
			transaction(context, false).executeWithoutResult((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (Statement statement = connection.createStatement()) {
					assertThat(statement.getConnection()).isSameAs(connection);
					assertThat(statement.execute("select 1")).isTrue();
					assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
					assertThat(statement.executeUpdate("insert into items (name) values ('generated')",
							Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
					try (ResultSet keys = statement.getGeneratedKeys()) {
						assertThat(keys.getStatement()).isSameAs(statement);
						assertThat(keys.next()).isTrue();
						assertThat(keys.getLong(1)).isPositive();
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
			String result = transaction(context, true).execute((status) -> {
				Connection connection = DataSourceUtils.getConnection(dataSource);
				try (PreparedStatement prepared = connection.prepareStatement("select @@port, ?, ?, @@read_only")) {
					prepared.setString(1, "kept");
					org.mariadb.jdbc.Connection pooled = (org.mariadb.jdbc.Connection) prepared
						.unwrap(org.mariadb.jdbc.Statement.class)
						.getConnection();
					long threadId = pooled.getThreadId();
					int port = pooled.getContext().getConf().addresses().get(0).port;
					MariaDbNode replica = nodeAt(port);
					// The pooled reader connection dies between the transaction's start and its first statement.
					MariaDbSql.execute(replica, "kill connection " + threadId);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> MariaDbSql.queryInt(replica,
								"select count(*) from information_schema.processlist where id = " + threadId) == 0);
					prepared.setInt(2, 42);
					try (ResultSet rows = prepared.executeQuery()) {
						assertThat(rows.next()).isTrue();
						assertThat(rows.getStatement()).isSameAs(prepared);
						return node(rows.getInt(1)) + "/" + rows.getString(2) + "/" + rows.getInt(3) + "/read_only="
								+ rows.getInt(4);
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(result).isEqualTo("primary/kept/42/read_only=0");
		});
	}

	private static TransactionTemplate transaction(AssertableApplicationContext context, boolean readOnly) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(readOnly);
		return transaction;
	}

	private static MariaDbNode nodeAt(int port) {
		return cluster.nodes().stream().filter((node) -> node.port() == port).findFirst().orElseThrow();
	}

	private static String node(int port) {
		return MariaDbDriver.nodeName(cluster, port);
	}

	private static int countOnPrimary(String name) throws SQLException {
		return MariaDbSql.queryInt(cluster.primary(), "select count(*) from items where name = '" + name + "'");
	}

	@Configuration(proxyBeanMethods = false)
	static class ProbeConfiguration {

		@Bean
		Probe probe(JdbcClient jdbc) {
			return new Probe(jdbc);
		}

		@Bean
		Outer outer(Probe probe, JdbcClient jdbc) {
			return new Outer(probe, jdbc);
		}

	}

	static class Probe {

		private final JdbcClient jdbc;

		Probe(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		int port() {
			return this.jdbc.sql("select @@port").query(Integer.class).single();
		}

		@Transactional(readOnly = true)
		public int readOnly() {
			return port();
		}

		@Transactional
		public int readWrite() {
			return port();
		}

		public int nonTransactional() {
			return port();
		}

		@Transactional(readOnly = true, propagation = Propagation.REQUIRES_NEW)
		public int requiresNewReadOnly() {
			return port();
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public int requiresNewInsert(String name) {
			insert(name);
			return port();
		}

		@Transactional
		public void insert(String name) {
			this.jdbc.sql("insert into items (name) values (?)").param(name).update();
		}

		@Transactional(readOnly = true)
		public void insertInReadOnly(String name) {
			this.jdbc.sql("insert into items (name) values (?)").param(name).update();
		}

		@Transactional(readOnly = true)
		public int countReadOnly(String name) {
			return this.jdbc.sql("select count(*) from items where name = ?").param(name).query(Integer.class).single();
		}

		@Transactional(readOnly = true, isolation = Isolation.READ_COMMITTED)
		public String readCommittedReadOnly() {
			String isolation = this.jdbc.sql("select @@transaction_isolation").query(String.class).single();
			boolean replica = this.jdbc.sql("select @@read_only").query(Integer.class).single() == 1;
			return isolation + "@" + (replica ? "replica" : "primary");
		}

		@Transactional(readOnly = true)
		public String readOnlyIsolation() {
			return this.jdbc.sql("select @@transaction_isolation").query(String.class).single();
		}

	}

	static class Outer {

		private final Probe probe;

		private final JdbcClient jdbc;

		Outer(Probe probe, JdbcClient jdbc) {
			this.probe = probe;
			this.jdbc = jdbc;
		}

		private int port() {
			return this.jdbc.sql("select @@port").query(Integer.class).single();
		}

		@Transactional
		public List<Integer> readWriteThenJoinedReadOnly() {
			return List.of(port(), this.probe.readOnly());
		}

		@Transactional
		public List<Integer> readWriteThenRequiresNewReadOnly() {
			return List.of(port(), this.probe.requiresNewReadOnly());
		}

		@Transactional(readOnly = true)
		public List<Integer> readOnlyThenRequiresNewWrite(String name) {
			return List.of(port(), this.probe.requiresNewInsert(name));
		}

	}

}
