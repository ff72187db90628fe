package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every row of the routing table, with {@code DataSourceTransactionManager}, JdbcClient and
 * JdbcTemplate, against a real primary with two streaming replicas.
 */
@ReplicatedPostgres(replicas = 2)
class JdbcRoutingIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table if not exists items (id serial primary key, name text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withUserConfiguration(ProbeConfiguration.class)
			.withPropertyValues(ClusterProperties.of(cluster));
	}

	@Test
	void readOnlyTransactionRunsOnAReplica() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			assertThat(node(probe.readOnly())).startsWith("replica");
		});
	}

	@Test
	void readOnlyTransactionsAreSpreadOverBothReplicas() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			Set<String> nodes = new HashSet<>();
			for (int i = 0; i < 6; i++) {
				nodes.add(node(probe.readOnly()));
			}
			assertThat(nodes).containsExactlyInAnyOrder("replica1", "replica2");
		});
	}

	@Test
	void readWriteTransactionRunsOnThePrimary() {
		runner().run((context) -> assertThat(node(context.getBean(Probe.class).readWrite())).isEqualTo("primary"));
	}

	@Test
	void nonTransactionalWorkRunsOnThePrimaryByDefault() {
		runner().run((context) -> {
			assertThat(node(context.getBean(Probe.class).nonTransactional())).isEqualTo("primary");
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(node(jdbc.sql("select inet_server_port()").query(Integer.class).single()))
				.isEqualTo("primary");
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
	void readOnlyMethodJoiningAReadWriteTransactionStaysOnThePrimary() {
		runner().run((context) -> {
			List<Integer> ports = context.getBean(Outer.class).readWriteThenJoinedReadOnly();
			assertThat(ports).extracting(JdbcRoutingIntegrationTests::node).containsExactly("primary", "primary");
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

	@Test
	void writeInsideReadOnlyTransactionFailsNamingTheReplicaAndWritesNothing() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			assertThatException().isThrownBy(() -> probe.insertInReadOnly("forbidden"))
				.withMessageContaining("read-only transaction on replica 'reader-replica")
				.withMessageContaining("Nothing was written");
			assertThat(countOnPrimary("forbidden")).isZero();
		});
	}

	@Test
	void readOnlyTransactionWithItsOwnIsolationLevelRunsOnAReplica() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			assertThat(probe.repeatableReadReadOnly()).startsWith("repeatable read@replica");
			assertThat(probe.readOnlyIsolation()).isEqualTo("read committed");
		});
	}

	@Test
	void writesOnThePrimaryAreReadFromAReplicaOnceReplayed() {
		runner().run((context) -> {
			Probe probe = context.getBean(Probe.class);
			probe.insert("replicated");
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			assertThat(probe.countReadOnly("replicated")).isEqualTo(1);
		});
	}

	private static String node(int port) {
		return ClusterProperties.nodeName(cluster, port);
	}

	private static int countOnPrimary(String name) throws SQLException {
		return Sql.queryInt(cluster.primary(), "select count(*) from items where name = '" + name + "'");
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
			return this.jdbc.sql("select inet_server_port()").query(Integer.class).single();
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

		@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
		public String repeatableReadReadOnly() {
			String isolation = this.jdbc.sql("show transaction_isolation").query(String.class).single();
			boolean replica = this.jdbc.sql("select pg_is_in_recovery()").query(Boolean.class).single();
			return isolation + "@" + (replica ? "replica" : "primary");
		}

		@Transactional(readOnly = true)
		public String readOnlyIsolation() {
			return this.jdbc.sql("show transaction_isolation").query(String.class).single();
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
			return this.jdbc.sql("select inet_server_port()").query(Integer.class).single();
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
