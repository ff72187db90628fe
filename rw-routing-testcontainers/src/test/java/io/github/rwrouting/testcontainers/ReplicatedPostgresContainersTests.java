package io.github.rwrouting.testcontainers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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
 * A primary and a streaming replica in containers, and what a test can do to them.
 */
@Tag("docker")
@Testcontainers
class ReplicatedPostgresContainersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Container
	static final PostgresPrimaryContainer primary = new PostgresPrimaryContainer();

	@Container
	static final PostgresReplicaContainer replica = new PostgresReplicaContainer(primary, "replica1");

	@BeforeAll
	static void createTable() {
		primary.execute("create table if not exists item (name text primary key)");
	}

	@AfterEach
	void leaveTheReplicaStreaming() {
		if (replica.isReplayPaused()) {
			replica.resumeReplay();
		}
		replica.awaitCaughtUp(TIMEOUT);
	}

	@Test
	void theReplicaStreamsFromThePrimary() throws SQLException {
		assertThat(primary.isInRecovery()).isFalse();
		assertThat(replica.isInRecovery()).isTrue();
		assertThat(primary.queryOne("select application_name from pg_stat_replication where state = 'streaming'"))
			.isEqualTo("replica1");
		assertThat(node(primary)).isEqualTo("primary");
		assertThat(node(replica)).isEqualTo("replica1");
		primary.execute("insert into item values ('streamed')");
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "streamed")).isEqualTo(1);
	}

	@Test
	void aPausedReplicaLagsUntilReplayResumes() throws SQLException {
		replica.pauseReplay();
		assertThat(replica.isReplayPaused()).isTrue();
		primary.execute("insert into item values ('paused')");
		assertThat(count(primary, "paused")).isEqualTo(1);
		assertThat(count(replica, "paused")).isZero();
		assertThat(replica.replayLagBytes()).isPositive();
		replica.resumeReplay();
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(replica.replayLagBytes()).isZero();
		assertThat(count(replica, "paused")).isEqualTo(1);
	}

	@Test
	void anApplyDelayHoldsBackReceivedWrites() throws SQLException {
		replica.setApplyDelay(Duration.ofMinutes(10));
		try {
			primary.execute("insert into item values ('delayed')");
			String written = primary.lsn();
			// Received but not applied: the delay, not the network, holds the write back.
			await().atMost(TIMEOUT)
				.until(() -> replica.queryOne("select (pg_last_wal_receive_lsn() >= ?::pg_lsn)::text", written)
					.equals("true"));
			assertThat(count(replica, "delayed")).isZero();
			assertThat(replica.replayLagBytes()).isPositive();
		}
		finally {
			replica.setApplyDelay(Duration.ZERO);
		}
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "delayed")).isEqualTo(1);
	}

	@Test
	void aStoppedReplicaStartsAgainOnTheSamePortWithItsData() throws SQLException {
		String url = replica.getJdbcUrl();
		primary.execute("insert into item values ('before-stop')");
		replica.awaitCaughtUp(TIMEOUT);
		replica.stopServer();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(url).close());
		replica.startServer();
		assertThat(replica.getJdbcUrl()).isEqualTo(url);
		assertThat(replica.isInRecovery()).isTrue();
		assertThat(count(replica, "before-stop")).isEqualTo(1);
		primary.execute("insert into item values ('after-start')");
		replica.awaitCaughtUp(TIMEOUT);
		assertThat(count(replica, "after-start")).isEqualTo(1);
	}

	@Test
	void aKilledPrimaryRecoversItsCommittedWrites() throws SQLException {
		primary.execute("insert into item values ('before-kill')");
		primary.kill();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(primary.getJdbcUrl()).close());
		primary.startServer();
		assertThat(count(primary, "before-kill")).isEqualTo(1);
		assertThat(primary.isInRecovery()).isFalse();
	}

	@Test
	void aFrozenReplicaDoesNotAnswerUntilThawed() throws SQLException {
		replica.freeze();
		try {
			// The port still accepts (Docker's proxy), the server never answers the startup message.
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> connect(replica.getJdbcUrl() + "&loginTimeout=2&socketTimeout=2").close());
		}
		finally {
			replica.thaw();
		}
		assertThat(count(replica, "nothing")).isZero();
	}

	private static String node(ReplicatedPostgresContainer node) {
		return node.queryOne("select current_setting('cluster_name')");
	}

	private static int count(ReplicatedPostgresContainer node, String name) throws SQLException {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select count(*) from item where name = '" + name + "'")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, primary.getUsername(), primary.getPassword());
	}

}
