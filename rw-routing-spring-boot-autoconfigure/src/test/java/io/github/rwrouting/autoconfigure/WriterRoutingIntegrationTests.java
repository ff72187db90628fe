package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;

import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.routing.RouteDecisionLog;
import io.github.rwrouting.routing.RouteToWriter;
import io.github.rwrouting.routing.WriterRouting;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writer scopes ({@code @RouteToWriter}, {@code WriterRouting}) and Spring Boot's SQL
 * initialization, against a real primary and streaming replica, with
 * {@code rw-routing.non-transactional=reader} so that even statements outside a transaction would go
 * to the replica.
 */
@ReplicatedPostgres(replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class WriterRoutingIntegrationTests {

	private static final String NODE = "select case when pg_is_in_recovery() then 'replica' else 'primary' end";

	private static PostgresCluster cluster;

	@BeforeAll
	static void awaitReplica(PostgresCluster postgres) {
		cluster = postgres;
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceInitializationAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withUserConfiguration(ReadsConfiguration.class)
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.non-transactional=reader",
					"rw-routing.consistency.mode=none"));
	}

	@Test
	void springBootSqlInitializationRunsOnThePrimary() {
		runner().withPropertyValues("spring.sql.init.mode=always",
				"spring.sql.init.schema-locations=classpath:db/dropin/schema.sql")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ApplicationScriptDatabaseInitializer.class);
				assertThat(Sql.queryInt(cluster.primary(),
						"select count(*) from dropin_sql_init where id = 1 and node = 'primary'"))
					.isEqualTo(1);
			});
	}

	@Test
	void aReadOnlyTransactionInAWriterScopeRunsOnThePrimary() {
		runner().run((context) -> {
			Reads reads = context.getBean("reads", Reads.class);
			SimpleMeterRegistry registry = bindMetrics(context.getBean(RoutingMetrics.class));
			assertThat(reads.readOnly()).isEqualTo("replica");
			assertThat(WriterRouting.call(reads::readOnly)).isEqualTo("primary");
			assertThat(WriterRouting.isActive()).isFalse();
			assertThat(reads.readOnly()).isEqualTo("replica");
			assertThat(count(registry, "writer", "forced")).isEqualTo(1);
			assertThat(count(registry, "replica1", "read-only")).isEqualTo(2);
		});
	}

	@Test
	void workOutsideATransactionInAWriterScopeRunsOnThePrimary() {
		runner().run((context) -> {
			Reads reads = context.getBean("reads", Reads.class);
			assertThat(reads.autoCommit()).isEqualTo("replica");
			String[] node = new String[1];
			WriterRouting.run(() -> node[0] = reads.autoCommit());
			assertThat(node[0]).isEqualTo("primary");
		});
	}

	@Test
	void aRouteToWriterMethodThatIsItselfAReadOnlyTransactionRunsOnThePrimary() {
		// The scope opens outside the transaction; the connection binds at its first statement.
		runner().run((context) -> {
			Reads reads = context.getBean("reads", Reads.class);
			assertThat(reads.readOnlyOnWriter()).isEqualTo("primary");
			assertThat(reads.readOnly()).isEqualTo("replica");
		});
	}

	@Test
	void everyMethodOfARouteToWriterClassRunsOnThePrimary() {
		runner().run((context) -> {
			WriterReads reads = context.getBean(WriterReads.class);
			assertThat(reads.readOnly()).isEqualTo("primary");
			assertThat(reads.autoCommit()).isEqualTo("primary");
			assertThat(context.getBean("reads", Reads.class).readOnly()).isEqualTo("replica");
		});
	}

	@Test
	void aFailingWriterScopeEndsWithIt() {
		runner().run((context) -> {
			Reads reads = context.getBean("reads", Reads.class);
			try {
				WriterRouting.run(() -> {
					throw new IllegalStateException("failed");
				});
			}
			catch (IllegalStateException expected) {
				// the scope must be closed anyway
			}
			assertThat(WriterRouting.isActive()).isFalse();
			assertThat(reads.readOnly()).isEqualTo("replica");
		});
	}

	@Test
	void onlyRoutesThatHappenedAreExported() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = bindMetrics(context.getBean(RoutingMetrics.class));
			context.getBean("reads", Reads.class).readOnly();
			assertThat(registry.find(RoutingMetrics.ROUTES).counters()).hasSize(1);
			assertThat(registry.find(RoutingMetrics.ROUTES).tags("target", "replica1", "reason", "read-write").counter())
				.isNull();
			assertThat(registry.find(RoutingMetrics.CONSISTENCY).counters()).isEmpty();
		});
	}

	@Test
	void routingDecisionsAreLoggedAtDebug(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(RouteDecisionLog.LOGGER_NAME, LogLevel.DEBUG);
		try {
			runner().run((context) -> {
				Reads reads = context.getBean("reads", Reads.class);
				reads.readOnly();
				WriterRouting.call(reads::readOnly);
			});
		}
		finally {
			logging.setLogLevel(RouteDecisionLog.LOGGER_NAME, null);
		}
		assertThat(output).contains("routed to reader-replica1 reason=read-only read-only transaction "
				+ Reads.class.getName() + ".readOnly");
		assertThat(output).contains("routed to writer reason=forced read-only transaction "
				+ Reads.class.getName() + ".readOnly in a writer scope");
	}

	private static SimpleMeterRegistry bindMetrics(RoutingMetrics metrics) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		metrics.bindTo(registry);
		return registry;
	}

	private static double count(SimpleMeterRegistry registry, String target, String reason) {
		Counter counter = registry.find(RoutingMetrics.ROUTES).tags("target", target, "reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class ReadsConfiguration {

		@Bean
		Reads reads(JdbcClient jdbc) {
			return new Reads(jdbc);
		}

		@Bean
		WriterReads writerReads(JdbcClient jdbc) {
			return new WriterReads(jdbc);
		}

	}

	static class Reads {

		private final JdbcClient jdbc;

		Reads(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public String readOnly() {
			return node();
		}

		@RouteToWriter
		@Transactional(readOnly = true)
		public String readOnlyOnWriter() {
			return node();
		}

		public String autoCommit() {
			return node();
		}

		String node() {
			return this.jdbc.sql(NODE).query(String.class).single();
		}

	}

	@RouteToWriter
	static class WriterReads extends Reads {

		WriterReads(JdbcClient jdbc) {
			super(jdbc);
		}

		@Override
		@Transactional(readOnly = true)
		public String readOnly() {
			return node();
		}

		@Override
		public String autoCommit() {
			return node();
		}

	}

}
