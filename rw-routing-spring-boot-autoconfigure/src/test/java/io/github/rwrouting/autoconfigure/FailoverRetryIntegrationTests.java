package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @FailoverRetry} against a real primary whose server terminates the transaction's session:
 * the whole transaction is re-run, exactly once in effect; a commit whose outcome is unknown is not
 * re-run unless asked for.
 */
@ReplicatedPostgres(replicas = 1)
class FailoverRetryIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table retried (id serial primary key, text text not null)");
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withUserConfiguration(WritesConfiguration.class)
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.failover.retry.delay=10ms",
					"rw-routing.failover.retry.jitter=5ms"));
	}

	@Test
	void aTransactionWhoseSessionIsTerminatedIsRerunOnce() {
		runner().run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(FailoverMetrics.class).bindTo(registry);
			Writes writes = context.getBean(Writes.class);
			writes.insertTerminatingFirstAttempt("terminated-once");
			assertThat(writes.attempts()).isEqualTo(2);
			assertThat(countOnPrimary("terminated-once")).as("no duplicate").isEqualTo(1);
			assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "retry").counter().count()).isEqualTo(1);
			assertThat(registry.get(FailoverMetrics.RETRIES).tag("outcome", "recovered").counter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void failoverErrorsFromJdbcClientAreTransient() {
		runner().run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThatExceptionOfType(TransientDataAccessResourceException.class)
				.isThrownBy(() -> jdbc.sql("select pg_terminate_backend(pg_backend_pid())").query().singleValue());
		});
	}

	@Test
	void aCommitWithAnUnknownOutcomeIsNotRerun() {
		runner().run((context) -> {
			Writes writes = context.getBean(Writes.class);
			assertThatException().isThrownBy(() -> writes.insertLosingFirstCommit("lost-commit"))
				.satisfies((ex) -> assertThat(FailoverExceptions.isCommitOutcomeUnknown(ex)).isTrue());
			assertThat(writes.attempts()).isEqualTo(1);
		});
	}

	@Test
	void aCommitWithAnUnknownOutcomeIsRerunWhenTheMethodSaysSo() {
		runner().run((context) -> {
			Writes writes = context.getBean(Writes.class);
			writes.insertLosingFirstCommitIdempotent("lost-commit-idempotent");
			assertThat(writes.attempts()).isEqualTo(2);
			assertThat(countOnPrimary("lost-commit-idempotent")).isEqualTo(1);
		});
	}

	@Test
	void nothingIsRerunInsideAnOuterTransaction() {
		runner().run((context) -> {
			Writes writes = context.getBean(Writes.class);
			TransactionTemplate outer = context.getBean(TransactionTemplate.class);
			assertThatException().isThrownBy(() -> outer.executeWithoutResult(
					(status) -> writes.insertTerminatingFirstAttempt("inside-outer")));
			assertThat(writes.attempts()).isEqualTo(1);
			assertThat(countOnPrimary("inside-outer")).isZero();
		});
	}

	private static int countOnPrimary(String text) throws SQLException {
		return Sql.queryInt(cluster.primary(), "select count(*) from retried where text = '" + text + "'");
	}

	@Configuration(proxyBeanMethods = false)
	static class WritesConfiguration {

		@Bean
		Writes writes(JdbcClient jdbc) {
			return new Writes(jdbc);
		}

	}

	static class Writes {

		private final AtomicInteger attempts = new AtomicInteger();

		private final JdbcClient jdbc;

		Writes(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		public int attempts() {
			return this.attempts.get();
		}

		@FailoverRetry
		@Transactional
		public void insertTerminatingFirstAttempt(String text) {
			insert(text);
			if (this.attempts.incrementAndGet() == 1) {
				// The server ends this session, as it does when a node shuts down or fails over.
				this.jdbc.sql("select pg_terminate_backend(pg_backend_pid())").query().singleValue();
			}
		}

		@FailoverRetry
		@Transactional
		public void insertLosingFirstCommit(String text) {
			insertAndLoseFirstCommit(text);
		}

		@FailoverRetry(retryUnknownCommitOutcome = true)
		@Transactional
		public void insertLosingFirstCommitIdempotent(String text) {
			insertAndLoseFirstCommit(text);
		}

		private void insertAndLoseFirstCommit(String text) {
			insert(text);
			int pid = this.jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
			if (this.attempts.incrementAndGet() == 1) {
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void beforeCommit(boolean readOnly) {
						terminate(pid);
					}

				});
			}
		}

		private void insert(String text) {
			this.jdbc.sql("insert into retried (text) values (?)").param(text).update();
		}

		private static void terminate(int pid) {
			try {
				// waits up to 10 s until the session is gone
				Sql.execute(cluster.primary(), "select pg_terminate_backend(" + pid + ", 10000)");
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
