package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
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
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code rw-routing.non-transactional=auto} with JdbcTemplate and JdbcClient outside transactions,
 * against a real primary and streaming replica: where each statement ran is asked of the server
 * ({@code pg_is_in_recovery()}), never inferred.
 */
@ReplicatedPostgres(replicas = 1)
class NonTransactionalAutoIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table auto_items (id serial primary key, name text not null)");
		Sql.execute(cluster.primary(), "create function add_item(item text) returns int language sql as "
				+ "'insert into auto_items (name) values (item) returning id'");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.non-transactional=auto",
					"rw-routing.monitor.interval=200ms"))
			.withPropertyValues(properties);
	}

	@Test
	void plainReadsOutsideATransactionRunOnTheReplicaEverythingElseOnThePrimary() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			// createStatement() (no parameters) and prepareStatement() (parameters)
			assertThat(template.queryForObject("select pg_is_in_recovery()", Boolean.class)).isTrue();
			assertThat(template.queryForObject("select pg_is_in_recovery() where 1 = ?", Boolean.class, 1)).isTrue();
			assertThat(jdbc.sql("SELECT pg_is_in_recovery()").query(Boolean.class).single()).isTrue();
			assertThat(jdbc.sql("with x as (select pg_is_in_recovery() as r) select r from x where 1 = :one")
				.param("one", 1)
				.query(Boolean.class)
				.single()).isTrue();
			assertThat(registry.get(RoutingMetrics.ROUTES)
				.tags("target", "replica1", "reason", "non-transactional")
				.counter()
				.count()).isEqualTo(4);
			template.update("insert into auto_items (name) values (?)", "plain-write");
			template.execute("insert into auto_items (name) values ('statement-write')");
			assertThat(template.queryForObject(
					"with added as (insert into auto_items (name) values ('cte-write') returning id) "
							+ "select pg_is_in_recovery() from added",
					Boolean.class))
				.isFalse();
			assertThat(Sql.queryInt(cluster.primary(), "select count(*) from auto_items where name in "
					+ "('plain-write', 'statement-write', 'cte-write')")).isEqualTo(3);
			assertThat(registry.get(RoutingMetrics.ROUTES)
				.tags("target", "writer", "reason", "non-transactional")
				.counter()
				.count()).isEqualTo(3);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			Boolean readWrite = transaction
				.execute((status) -> template.queryForObject("select pg_is_in_recovery()", Boolean.class));
			assertThat(readWrite).as("a read in a read-write transaction stays on the primary").isFalse();
			transaction.setReadOnly(true);
			Boolean readOnly = transaction
				.execute((status) -> template.queryForObject("select pg_is_in_recovery()", Boolean.class));
			assertThat(readOnly).isTrue();
		});
	}

	@Test
	void aSelectThatWritesIsRefusedByTheReplicaAndRunsAgainOnThePrimaryOnce() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = bindMeters(context);
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			Integer prepared = template.queryForObject("select add_item(?)", Integer.class, "select-with-parameter");
			Integer plain = template.queryForObject("select add_item('select-without-parameter')", Integer.class);
			assertThat(prepared).isNotNull();
			assertThat(plain).isNotNull();
			assertThat(Sql.queryInt(cluster.primary(),
					"select count(*) from auto_items where name like 'select-with%' and id in (" + prepared + ", " + plain
							+ ")"))
				.isEqualTo(2);
			assertThat(registry.get(RoutingMetrics.ROUTES)
				.tags("target", "writer", "reason", "write-refused")
				.counter()
				.count()).isEqualTo(2);
		});
	}

	@Test
	void aReadOutsideATransactionRightAfterAWriteSeesTheWriteWhileTheReplicaLags() throws SQLException {
		PostgresNode replica = cluster.replica(1);
		runner().run((context) -> {
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			replica.pauseReplay();
			try {
				template.update("insert into auto_items (name) values (?)", "read-your-write");
				assertThat(Sql.queryInt(replica, "select count(*) from auto_items where name = 'read-your-write'"))
					.as("the replica has not replayed the write")
					.isZero();
				assertThat(template.queryForObject("select count(*) from auto_items where name = ?", Integer.class,
						"read-your-write"))
					.isEqualTo(1);
			}
			finally {
				replica.resumeReplay();
			}
		});
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void aConnectionHeldAcrossStatementsIsBoundAgainWhenTheRouteChanges() {
		runner("rw-routing.consistency.mode=none").run((context) -> {
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			List<Boolean> onReplica = template.execute((ConnectionCallback<List<Boolean>>) (connection) -> {
				List<Boolean> recovery = new ArrayList<>();
				recovery.add(inRecovery(connection));
				try (Statement statement = connection.createStatement()) {
					statement.executeUpdate("insert into auto_items (name) values ('held')");
				}
				recovery.add(inRecovery(connection));
				return recovery;
			});
			assertThat(onReplica).containsExactly(true, true);
			assertThat(Sql.queryInt(cluster.primary(), "select count(*) from auto_items where name = 'held'")).isOne();
		});
	}

	/**
	 * What breaks when statements of one connection run on different nodes: session state stays on
	 * the node that made it. The same code works with the writer as the non-transactional route.
	 */
	@Test
	void sessionStateDoesNotFollowStatementsToAnotherNode() {
		// One statement each, as JdbcTemplate and Hibernate do.
		ConnectionCallback<Integer> tempTable = (connection) -> {
			try (Statement create = connection.createStatement()) {
				create.execute("create temporary table scratch (id int)");
			}
			try (Statement insert = connection.createStatement()) {
				insert.execute("insert into scratch values (1)");
			}
			try (Statement select = connection.createStatement();
					ResultSet result = select.executeQuery("select count(*) from scratch")) {
				result.next();
				return result.getInt(1);
			}
		};
		runner().run((context) -> assertThatException()
			.isThrownBy(() -> context.getBean(JdbcTemplate.class).execute(tempTable))
			.withStackTraceContaining("relation \"scratch\" does not exist"));
		runner("rw-routing.non-transactional=writer")
			.run((context) -> assertThat(context.getBean(JdbcTemplate.class).execute(tempTable)).isOne());
	}

	/**
	 * What else breaks: a session-level advisory lock taken with a plain SELECT is taken on a
	 * replica, where it excludes nobody who locks on the primary.
	 */
	@Test
	void anAdvisoryLockTakenWithASelectIsTakenOnTheReplica() {
		runner().run((context) -> {
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			assertThat(template.queryForObject("select pg_try_advisory_lock(4242) and pg_is_in_recovery()",
					Boolean.class))
				.isTrue();
			assertThat(Sql.queryInt(cluster.primary(),
					"select count(*) from pg_locks where locktype = 'advisory' and objid = 4242"))
				.isZero();
		});
	}

	private static boolean inRecovery(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_is_in_recovery()")) {
			result.next();
			return result.getBoolean(1);
		}
	}

	private static SimpleMeterRegistry bindMeters(AssertableApplicationContext context) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		context.getBean(RoutingMetrics.class).bindTo(registry);
		return registry;
	}

}
