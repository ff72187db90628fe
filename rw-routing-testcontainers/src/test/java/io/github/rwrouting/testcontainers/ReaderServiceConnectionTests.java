package io.github.rwrouting.testcontainers;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import org.junit.jupiter.api.AfterEach;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @SpringBootTest} whose writer is a primary container ({@code @ServiceConnection}) and whose
 * readers are replica containers ({@code @ReaderServiceConnection}), with no URL in any property.
 */
@Tag("docker")
@Testcontainers
@SpringBootTest
class ReaderServiceConnectionTests {

	@Container
	@ServiceConnection
	static final PostgresPrimaryContainer primary = new PostgresPrimaryContainer();

	@Container
	@ReaderServiceConnection("replica1")
	static final PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");

	@Container
	@ReaderServiceConnection("replica2")
	static final PostgresReplicaContainer replica2 = new PostgresReplicaContainer(primary, "replica2");

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
	private Environment environment;

	@BeforeEach
	void createTable() {
		this.jdbc.sql("create table if not exists note (text text)").update();
		this.consistency.set(null);
	}

	@AfterEach
	void resumeReplay() {
		this.consistency.set(null);
		for (PostgresReplicaContainer replica : Set.of(replica1, replica2)) {
			if (replica.isReplayPaused()) {
				replica.resumeReplay();
			}
			replica.awaitCaughtUp(Duration.ofSeconds(30));
		}
	}

	@Test
	void theWriterIsThePrimaryAndEachReplicaContainerIsAReader() {
		assertThat(this.environment.getProperty("spring.datasource.url")).isNull();
		assertThat(this.environment.getProperty("rw-routing.readers.replica1.url")).isNull();
		assertThat(this.writer.getJdbcUrl()).isEqualTo(primary.getJdbcUrl());
		assertThat(this.reader1.getJdbcUrl()).isEqualTo(replica1.getJdbcUrl());
		assertThat(this.dataSource).isInstanceOf(RoutingDataSource.class);
		assertThat(((RoutingDataSource) this.dataSource).getPlanner().readers()).extracting(Route::name)
			.containsExactlyInAnyOrder("replica1", "replica2");
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaContainersAndTheRestOnThePrimary() {
		Set<String> readers = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			readers.add(readOnly().execute((status) -> node()));
		}
		assertThat(readers).containsExactlyInAnyOrder("replica1", "replica2");
		String written = new TransactionTemplate(this.transactionManager).execute((status) -> {
			this.jdbc.sql("insert into note values ('read-write')").update();
			return node();
		});
		assertThat(written).isEqualTo("primary");
	}

	@Test
	void aTokenReadsItsOwnWriteFromThePrimaryWhileReplayIsPaused() throws Exception {
		replica1.pauseReplay();
		replica2.pauseReplay();
		ConsistencyToken token = this.consistency.run(null, () -> new TransactionTemplate(this.transactionManager)
			.executeWithoutResult((status) -> this.jdbc.sql("insert into note values ('own-write')").update()));
		assertThat(token).isNotNull();

		Read withoutToken = this.consistency.call(null, () -> readOnly().execute((status) -> read("own-write")))
			.result();
		assertThat(withoutToken.node()).as("without the token a replica serves, stale").startsWith("replica");
		assertThat(withoutToken.count()).isZero();

		Read withToken = this.consistency.call(token, () -> readOnly().execute((status) -> read("own-write")))
			.result();
		assertThat(withToken.node()).as("no replica has replayed the write: the writer serves").isEqualTo("primary");
		assertThat(withToken.count()).isEqualTo(1);
	}

	private TransactionTemplate readOnly() {
		TransactionTemplate template = new TransactionTemplate(this.transactionManager);
		template.setReadOnly(true);
		return template;
	}

	private String node() {
		return this.jdbc.sql("select current_setting('cluster_name')").query(String.class).single();
	}

	private Read read(String text) {
		return new Read(node(),
				this.jdbc.sql("select count(*) from note where text = ?").param(text).query(Integer.class).single());
	}

	record Read(String node, int count) {
	}

}
