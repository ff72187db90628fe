package io.github.rwrouting.test.spring.exit;

import javax.sql.DataSource;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.spring.AutoConfigureReplicatedPostgres;
import io.github.rwrouting.test.spring.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test whose context the TestContext framework caches, so that it is still open when the JVM
 * exits: run by {@link ExitProbe} in a JVM of its own, not by the build (its name is not a test
 * name).
 */
@SpringBootTest(classes = { TestApplication.class, CachedContextProbe.WorkAtClose.class },
		properties = { "rw-routing.monitor.interval=100ms", "rw-routing.consistency.signing-key=jvm-exit-probe-key" })
@AutoConfigureReplicatedPostgres
class CachedContextProbe {

	@Autowired
	private PostgresCluster cluster;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	static final String WORK_AT_CLOSE = "EXIT-PROBE-WORK-AT-CLOSE";

	@Test
	void readsOnTheStandbyAndLeavesTheContextCached() {
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		Boolean inRecovery = readOnly
			.execute((status) -> this.jdbc.sql("select pg_is_in_recovery()").query(Boolean.class).single());
		assertThat(inRecovery).isTrue();
		assertThat(this.cluster.replicas()).hasSize(1);
	}

	/**
	 * Database work while the context closes, as Hibernate's {@code create-drop} does: half a second
	 * of it on the server, then a statement on each node. Printed, not logged: the logging system
	 * stops at exit too.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class WorkAtClose {

		@Bean
		DisposableBean workAtClose(DataSource dataSource) {
			return () -> {
				JdbcClient jdbc = JdbcClient.create(dataSource);
				try {
					jdbc.sql("select pg_sleep(0.5)").query().singleRow();
					jdbc.sql("select 1").query(Integer.class).single();
					System.out.println(WORK_AT_CLOSE + " ok");
				}
				catch (RuntimeException ex) {
					System.out.println(WORK_AT_CLOSE + " failed: " + ex);
				}
				System.out.flush();
			};
		}

	}

}
