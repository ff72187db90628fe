package io.github.rwrouting.testcontainers;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @SpringBootTest} whose writer is a MariaDB primary container ({@code @ServiceConnection}) and
 * whose reader is a GTID replica container ({@code @ReaderServiceConnection}), with no URL in any
 * property: routing, and read-your-writes with replication stopped on the replica.
 */
@Tag("docker")
@Testcontainers
@SpringBootTest(properties = "rw-routing.monitor.interval=100ms")
class MariaDbReaderServiceConnectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Container
	@ServiceConnection
	static final MariaDbPrimaryContainer primary = new MariaDbPrimaryContainer();

	@Container
	@ReaderServiceConnection("replica1")
	static final MariaDbReplicaContainer replica1 = new MariaDbReplicaContainer(primary, "replica1");

	@Autowired
	private DataSource dataSource;

	@Autowired
	@Qualifier("writerDataSource")
	private HikariDataSource writer;

	@Autowired
	@Qualifier("reader-replica1DataSource")
	private HikariDataSource reader1;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private ConsistencyContext consistency;

	@Autowired
	private ReplicaMonitor monitor;

	@Autowired
	private Environment environment;

	@BeforeAll
	static void createTable() {
		primary.execute("create table if not exists test.note (id int auto_increment primary key, text varchar(100))");
		replica1.awaitCaughtUp(TIMEOUT);
	}

	@BeforeEach
	void clearToken() {
		this.consistency.set(null);
	}

	@AfterEach
	void resumeReplay() {
		this.consistency.set(null);
		if (replica1.isReplayPaused()) {
			replica1.resumeReplay();
		}
		replica1.awaitCaughtUp(TIMEOUT);
	}

	@Test
	void theWriterIsThePrimaryAndTheReplicaContainerIsAMariaDbReader() {
		assertThat(this.environment.getProperty("spring.datasource.url")).isNull();
		assertThat(this.environment.getProperty("rw-routing.readers.replica1.url")).isNull();
		assertThat(this.writer.getJdbcUrl()).isEqualTo(primary.getJdbcUrl()).contains("allowMultiQueries=true");
		assertThat(this.reader1.getJdbcUrl()).isEqualTo(replica1.getJdbcUrl());
		assertThat(((RoutingDataSource) this.dataSource).getPlanner().readers()).extracting(Route::name)
			.containsExactly("replica1");
		assertThat(this.monitor.clusterState().dialect()).isInstanceOf(MariaDbDialect.class);
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaAndReadWriteOnesOnThePrimary() {
		String read = readOnly().execute((status) -> node());
		assertThat(read).isEqualTo("replica1");
		String written = new TransactionTemplate(this.transactionManager).execute((status) -> {
			this.jdbc.sql("insert into note (text) values ('read-write')").update();
			return node();
		});
		assertThat(written).isEqualTo("primary");
	}

	@Test
	void aWriteInAReadOnlyTransactionIsRefusedByTheReadOnlyReplica() {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> readOnly()
				.executeWithoutResult((status) -> this.jdbc.sql("insert into note (text) values ('refused')").update()))
			.satisfies((ex) -> assertThat(((SQLException) ex.getMostSpecificCause()).getErrorCode()).isEqualTo(1290));
	}

	@Test
	void tokenReadsAreNeverStaleWhileReplicationIsStoppedAndTheReplicaServesAgainOnceCaughtUp() throws Exception {
		replica1.pauseReplay();
		ConsistencyToken token = null;
		for (int i = 1; i <= 3; i++) {
			String text = "own-write-" + i;
			token = this.consistency.run(token, () -> new TransactionTemplate(this.transactionManager)
				.executeWithoutResult((status) -> this.jdbc.sql("insert into note (text) values (?)").param(text)
					.update()));
			assertThat(token).isNotNull();
			Read withoutToken = this.consistency.call(null, () -> readOnly().execute((status) -> read(text)))
				.result();
			assertThat(withoutToken).as("without the token the replica serves, stale")
				.isEqualTo(new Read("replica1", 0));
			Read withToken = this.consistency.call(token, () -> readOnly().execute((status) -> read(text)))
				.result();
			assertThat(withToken).as("the replica has not replayed the write: the writer serves")
				.isEqualTo(new Read("primary", 1));
		}

		replica1.resumeReplay();
		replica1.awaitCaughtUp(TIMEOUT);
		ConsistencyToken caughtUp = token;
		// The GTID check asks the replica itself; the monitor may still take it to lag for one poll.
		await().atMost(TIMEOUT)
			.until(() -> this.consistency.call(caughtUp, () -> readOnly().execute((status) -> read("own-write-3")))
				.result()
				.equals(new Read("replica1", 1)));
	}

	private TransactionTemplate readOnly() {
		TransactionTemplate template = new TransactionTemplate(this.transactionManager);
		template.setReadOnly(true);
		return template;
	}

	private String node() {
		return this.jdbc.sql("select @@report_host").query(String.class).single();
	}

	private Read read(String text) {
		return new Read(node(),
				this.jdbc.sql("select count(*) from note where text = ?").param(text).query(Integer.class).single());
	}

	record Read(String node, int count) {
	}

}
