package io.github.rwrouting.testcontainers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.rwrouting.topology.GtidPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A MariaDB primary and a GTID replica in containers, and what a test can do to them.
 */
@Tag("docker")
@Testcontainers
class ReplicatedMariaDbContainersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Container
	static final MariaDbPrimaryContainer primary = new MariaDbPrimaryContainer();

	@Container
	static final MariaDbReplicaContainer replica = new MariaDbReplicaContainer(primary, "replica1");

	@BeforeAll
	static void createTable() {
		primary.execute("create table if not exists test.item (name varchar(100) primary key)");
	}

	@AfterEach
	void leaveTheReplicaReplicating() {
		if (replica.isReplayPaused()) {
			replica.resumeReplay();
		}
		replica.awaitCaughtUp(TIMEOUT);
	}

	@Test
	void theReplicaReplicatesThePrimaryWithGtids() throws SQLException {
		assertThat(primary.isReadOnly()).isFalse();
		assertThat(replica.isReadOnly()).isTrue();
		assertThat(node(primary)).isEqualTo("primary");
		assertThat(node(replica)).isEqualTo("replica1");
		assertThat(primary.queryOne("select @@server_id")).isEqualTo("1");
		assertThat(replica.queryOne("select @@server_id")).isEqualTo("2");
		assertThat(replica.replicaStatus("Master_Host")).isEqualTo("primary");
		assertThat(replica.replicaStatus("Using_Gtid")).isEqualTo("Slave_Pos");
		assertThat(primary.queryOne("select @@binlog_format")).isEqualTo("ROW");
		assertThat(primary.queryOne("select @@gtid_strict_mode")).isEqualTo("1");

		primary.execute("insert into test.item values ('replicated')");
		String written = primary.gtidPosition();
		assertThat(GtidPosition.parse(written).server(0)).as("written by the primary's server id").isEqualTo(1);
		replica.awaitGtid(written, TIMEOUT);
		assertThat(count(replica, "replicated")).isEqualTo(1);
		assertThat(replica.queryOne("select @@gtid_slave_pos")).isEqualTo(written);
	}

	@Test
	void theReplicaRefusesTheContainerUsersWrites() {
		// The user has ALL on the database only, not READ_ONLY ADMIN: read_only holds for it.
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
			try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
				statement.executeUpdate("insert into item values ('refused')");
			}
		}).satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(1290));
	}

	@Test
	void aPausedReplicaLagsUntilReplayResumes() throws SQLException {
		replica.pauseReplay();
		assertThat(replica.isReplayPaused()).isTrue();
		primary.execute("insert into test.item values ('paused')");
		assertThat(count(primary, "paused")).isEqualTo(1);
		assertThat(count(replica, "paused")).isZero();
		assertThat(replica.replayLagTransactions()).isEqualTo(1);
		replica.resumeReplay();
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(replica.replayLagTransactions()).isZero();
		assertThat(count(replica, "paused")).isEqualTo(1);
	}

	@Test
	void anApplyDelayHoldsBackReceivedWrites() throws SQLException {
		replica.setApplyDelay(Duration.ofMinutes(10));
		try {
			primary.execute("insert into test.item values ('delayed')");
			GtidPosition written = GtidPosition.parse(primary.gtidPosition());
			// Received but not applied: the delay, not the network, holds the write back.
			await().atMost(TIMEOUT).until(() -> {
				GtidPosition received = GtidPosition.parse(replica.replicaStatus("Gtid_IO_Pos"));
				return received != null && received.includes(written);
			});
			assertThat(count(replica, "delayed")).isZero();
			assertThat(replica.replayLagTransactions()).isPositive();
		}
		finally {
			replica.setApplyDelay(Duration.ZERO);
		}
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "delayed")).isEqualTo(1);
	}

	@Test
	void aStoppedReplicaStartsAgainOnTheSamePortAndCatchesUp() throws SQLException {
		String url = replica.getJdbcUrl();
		primary.execute("insert into test.item values ('before-stop')");
		replica.awaitCaughtUp(TIMEOUT);
		replica.stopServer();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(url).close());
		primary.execute("insert into test.item values ('while-stopped')");
		replica.startServer();
		assertThat(replica.getJdbcUrl()).isEqualTo(url);
		assertThat(replica.isReadOnly()).isTrue();
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "before-stop")).isEqualTo(1);
		assertThat(count(replica, "while-stopped")).isEqualTo(1);
	}

	@Test
	void aKilledPrimaryRecoversItsCommittedWritesAndTheReplicaReconnects() throws SQLException {
		primary.execute("insert into test.item values ('before-kill')");
		primary.kill();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(primary.getJdbcUrl()).close());
		primary.startServer();
		assertThat(count(primary, "before-kill")).isEqualTo(1);
		primary.execute("insert into test.item values ('after-kill')");
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "after-kill")).isEqualTo(1);
	}

	@Test
	void aFrozenReplicaDoesNotAnswerUntilThawed() throws SQLException {
		replica.freeze();
		try {
			// The port still accepts (Docker's proxy), the server never sends its handshake.
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> connect(replica.getJdbcUrl() + "?connectTimeout=2000&socketTimeout=2000").close());
		}
		finally {
			replica.thaw();
		}
		assertThat(count(replica, "nothing")).isZero();
	}

	private static String node(ReplicatedMariaDbContainer node) {
		return node.queryOne("select @@report_host");
	}

	private static int count(ReplicatedMariaDbContainer node, String name) throws SQLException {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from item where name = '" + name + "'")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, primary.getUsername(), primary.getPassword());
	}

}
