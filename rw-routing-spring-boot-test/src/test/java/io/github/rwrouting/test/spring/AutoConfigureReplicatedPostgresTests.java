package io.github.rwrouting.test.spring;

import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @SpringBootTest} gets the writer and the readers from the cluster with no URL in any
 * property: read-only work runs on the standbys, the rest on the primary.
 */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureReplicatedPostgres(replicas = 2)
class AutoConfigureReplicatedPostgresTests {

	@Autowired
	private PostgresCluster cluster;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private Environment environment;

	@Autowired
	@Qualifier("writerDataSource")
	private HikariDataSource writer;

	@Test
	void noUrlIsConfigured() {
		assertThat(this.environment.getProperty("spring.datasource.url")).isNull();
		assertThat(this.environment.getProperty("rw-routing.readers.replica1.url")).isNull();
	}

	@Test
	void theWriterIsThePrimaryAndEachStandbyIsAReader() {
		assertThat(this.writer.getJdbcUrl()).isEqualTo(this.cluster.primary().jdbcUrl());
		assertThat(this.dataSource).isInstanceOf(RoutingDataSource.class);
		assertThat(((RoutingDataSource) this.dataSource).getPlanner().readers()).extracting(Route::name)
			.containsExactly("replica1", "replica2");
	}

	@Test
	void readOnlyWorkRunsOnTheStandbysAndTheRestOnThePrimary() {
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		Set<String> readers = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			readers.add(Nodes.name(this.cluster, readOnly.execute((status) -> port())));
		}
		assertThat(readers).containsExactlyInAnyOrder("replica1", "replica2");
		TransactionTemplate readWrite = new TransactionTemplate(this.transactionManager);
		assertThat(Nodes.name(this.cluster, readWrite.execute((status) -> port()))).isEqualTo("primary");
	}

	private int port() {
		return this.jdbc.sql("select inet_server_port()").query(Integer.class).single();
	}

}
