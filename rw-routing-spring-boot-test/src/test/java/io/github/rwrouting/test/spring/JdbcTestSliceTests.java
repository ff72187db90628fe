package io.github.rwrouting.test.spring;

import javax.sql.DataSource;

import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @JdbcTest} slice includes rw-routing: its {@code DataSource} routes read-only
 * transactions to a standby.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = Replace.NONE)
@AutoConfigureReplicatedPostgres
// The slice's own test transaction would be read-write and pin everything to the primary.
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class JdbcTestSliceTests {

	@Autowired
	private PostgresCluster cluster;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Test
	void readOnlyTransactionsRunOnTheStandby() {
		assertThat(this.dataSource).isInstanceOf(RoutingDataSource.class);
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		assertThat(Nodes.name(this.cluster, readOnly.execute((status) -> port()))).isEqualTo("replica1");
		assertThat(Nodes.name(this.cluster, new TransactionTemplate(this.transactionManager)
			.execute((status) -> port()))).isEqualTo("primary");
	}

	private int port() {
		return this.jdbc.sql("select inet_server_port()").query(Integer.class).single();
	}

}
