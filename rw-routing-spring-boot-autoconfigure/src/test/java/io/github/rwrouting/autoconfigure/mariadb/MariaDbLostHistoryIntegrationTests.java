package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.ReplicationPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover that loses writes, on a real MariaDB primary and two GTID replicas: the promoted
 * replica continues the GTID domain at sequence numbers the old primary already used, and a replica
 * left on the old primary's lost history must not pass for having the new primary's writes.
 */
@ReplicatedMariaDb(replicas = 2)
class MariaDbLostHistoryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final MariaDbDialect dialect = new MariaDbDialect();

	@Test
	void aReplicaOnTheOldPrimarysLostHistoryDoesNotHaveTheNewPrimarysWrites(MariaDbCluster cluster)
			throws SQLException {
		MariaDbNode oldPrimary = cluster.primary();
		MariaDbNode promoted = cluster.replica(1);
		MariaDbNode leftBehind = cluster.replica(2);
		try (Connection connection = oldPrimary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table items (id int auto_increment primary key, origin varchar(16) not null)");
		}
		cluster.awaitReplicasCaughtUp(TIMEOUT);
		// The replica to be promoted stops applying: the old primary's next five writes never reach
		// it (promotion discards its relay log), while the other replica applies them.
		promoted.pauseReplay();
		String lastLost = null;
		try (Connection connection = oldPrimary.connect(cluster.username(), cluster.password())) {
			for (int i = 0; i < 5; i++) {
				lastLost = insert(connection, "lost");
			}
		}
		leftBehind.awaitReplay(oldPrimary.gtidPosition(), TIMEOUT);
		GtidPosition lost = GtidPosition.parse(lastLost);
		promoted.promote();
		String newWrite = null;
		try (Connection connection = promoted.connect(cluster.username(), cluster.password())) {
			for (int i = 0; i < 3; i++) {
				newWrite = insert(connection, "new");
			}
		}
		GtidPosition written = GtidPosition.parse(newWrite);
		assertThat(written.server(0)).as("the new primary's server id").isEqualTo(promoted.serverId());
		assertThat(written.sequence(0)).as("a sequence number the old primary already used")
			.isLessThanOrEqualTo(lost.sequence(0));

		try (Connection replica = leftBehind.connect(cluster.username(), cluster.password());
				Connection writer = promoted.connect(cluster.username(), cluster.password())) {
			ReplicationPosition left = this.dialect.replayPosition(replica);
			assertThat(left.gtids()).as("left at the old primary's last write").isEqualTo(lost);
			assertThat(count(replica, "new")).as("it never got the new primary's writes").isZero();
			assertThat(masterGtidWait(replica, newWrite))
				.as("MASTER_GTID_WAIT compares sequence numbers only: it says the replica has the write")
				.isZero();
			assertThat(left.includes(ReplicationPosition.ofGtids(promoted.serverId(), written)))
				.as("the dialect's check does not")
				.isFalse();
			assertThat(left.includes(ReplicationPosition.ofGtids(oldPrimary.serverId(), lost)))
				.as("the old primary's own write, which it has")
				.isTrue();
			assertThat(this.dialect.replayPosition(writer).includes(ReplicationPosition.ofGtids(promoted.serverId(),
					written)))
				.as("the new primary has its write")
				.isTrue();
			assertThat(count(writer, "lost")).as("the lost writes").isZero();
		}
	}

	// One transaction; its GTID.
	private static String insert(Connection connection, String origin) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("insert into items (origin) values (?)")) {
			insert.setString(1, origin);
			insert.executeUpdate();
		}
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select @@last_gtid")) {
			result.next();
			return result.getString(1);
		}
	}

	private static int count(Connection connection, String origin) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("select count(*) from items where origin = ?")) {
			select.setString(1, origin);
			try (ResultSet result = select.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static int masterGtidWait(Connection connection, String gtid) throws SQLException {
		try (PreparedStatement wait = connection.prepareStatement("select master_gtid_wait(?, 0)")) {
			wait.setString(1, gtid);
			try (ResultSet result = wait.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}
