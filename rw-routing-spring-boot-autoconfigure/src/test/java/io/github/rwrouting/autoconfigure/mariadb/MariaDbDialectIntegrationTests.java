package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.DialectResolver;
import io.github.rwrouting.topology.DialectType;
import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.MySqlDialect;
import io.github.rwrouting.topology.NodeProbe;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.ReplicationPosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MariaDB dialect's queries against a real MariaDB primary and GTID replica, as the monitor
 * user ({@code SLAVE MONITOR} only, no database) and as the application user.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbDialectIntegrationTests {

	private static MariaDbCluster cluster;

	private final MariaDbDialect dialect = new MariaDbDialect();

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table items (id int auto_increment primary key, domain int not null)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private static Connection monitor(MariaDbNode node) throws SQLException {
		return DriverManager.getConnection(node.jdbcUrl(""), cluster.monitorUsername(), cluster.monitorPassword());
	}

	private static Connection application(MariaDbNode node) throws SQLException {
		return node.connect(cluster.username(), cluster.password());
	}

	@Test
	void theMonitorUserSeesRolesPositionsAndTheWritersServerId() throws SQLException {
		MariaDbNode replica = cluster.replica(1);
		for (boolean asMonitor : new boolean[] { true, false }) {
			try (Connection primary = asMonitor ? monitor(cluster.primary()) : application(cluster.primary());
					Connection replicaConnection = asMonitor ? monitor(replica) : application(replica)) {
				NodeProbe writer = this.dialect.probe(primary);
				assertThat(writer.role()).isEqualTo(NodeRole.PRIMARY);
				assertThat(writer.identity().timeline()).isEqualTo(cluster.primary().serverId());
				assertThat(writer.gtids()).hasToString(cluster.primary().gtidPosition());
				NodeProbe follower = this.dialect.probe(replicaConnection);
				assertThat(follower.role()).isEqualTo(NodeRole.REPLICA);
				assertThat(follower.gtids()).hasToString(replica.replayedGtidPosition());
				assertThat(follower.identity().clusterId()).isEqualTo(writer.identity().clusterId());
				assertThat(slaveRunning(replicaConnection)).as("replica status readable, as monitor: " + asMonitor)
					.isEqualTo("ON");
				assertThat(slaveRunning(primary)).isEqualTo("OFF");
				assertThat(new DialectResolver(DialectType.AUTO).detect(primary)).isInstanceOf(MariaDbDialect.class);
			}
		}
	}

	@Test
	void aReplicaHasAMultiDomainWriteOnlyOnceEveryDomainIsReplayed() throws SQLException {
		MariaDbNode replica = cluster.replica(1);
		try (Connection root = cluster.primary().connect(); Statement statement = root.createStatement();
				Connection replicaConnection = application(replica)) {
			statement.execute("insert into items (domain) values (0)");
			statement.execute("set session gtid_domain_id = 1");
			statement.execute("insert into items (domain) values (1)");
			String written = cluster.primary().gtidPosition();
			GtidPosition write = GtidPosition.parse(written);
			assertThat(write.size()).isEqualTo(2);
			replica.awaitReplay(written, Duration.ofSeconds(10));
			ReplicationPosition replayed = this.dialect.replayPosition(replicaConnection);
			assertThat(replayed.includes(ReplicationPosition.ofGtids(1, write))).isTrue();
			replica.pauseReplay();
			try {
				statement.execute("insert into items (domain) values (1)");
				GtidPosition later = GtidPosition.parse(cluster.primary().gtidPosition());
				assertThat(this.dialect.replayPosition(replicaConnection).includes(ReplicationPosition.ofGtids(1, later)))
					.as("domain 1 not replayed yet")
					.isFalse();
				try (Connection primary = application(cluster.primary())) {
					assertThat(this.dialect.replayPosition(primary).includes(ReplicationPosition.ofGtids(1, later)))
						.as("the writer has its own writes")
						.isTrue();
				}
				replica.resumeReplay();
				replica.awaitReplay(later.toString(), Duration.ofSeconds(10));
				assertThat(this.dialect.replayPosition(replicaConnection).includes(ReplicationPosition.ofGtids(1, later)))
					.isTrue();
			}
			finally {
				replica.resumeReplay();
			}
		}
	}

	@Test
	void theMySqlDialectOnMariaDbCommitsWithoutAPositionAndWithoutAFailure() throws SQLException {
		// What a jdbc:mariadb: URL to MySQL looks like before the monitor asked the server, the other
		// way round: the SELECT after COMMIT names variables the server lacks (@@gtid_executed).
		for (String flags : new String[] { "?allowMultiQueries=true", "" }) {
			MySqlDialect mysql = new MySqlDialect();
			try (Connection connection = DriverManager.getConnection(cluster.primary().jdbcUrl() + flags,
					cluster.username(), cluster.password());
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.executeUpdate("insert into items (domain) values (7)");
				String before = cluster.primary().gtidPosition();
				assertThat(mysql.commitWithPosition(connection)).as(flags).isEqualTo(ReplicationPosition.UNKNOWN);
				assertThat(cluster.primary().gtidPosition()).as("committed").isNotEqualTo(before);
				assertThat(connection.getAutoCommit()).isFalse();
				try (ResultSet result = statement.executeQuery("select @@in_transaction")) {
					result.next();
					assertThat(result.getInt(1)).as("no transaction left open").isZero();
				}
				connection.rollback();
			}
		}
		try (Connection primary = application(cluster.primary()); Statement statement = primary.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from items where domain = 7")) {
			result.next();
			assertThat(result.getInt(1)).isEqualTo(2);
		}
	}

	private static String slaveRunning(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT variable_value FROM information_schema.global_status "
						+ "WHERE variable_name = 'SLAVE_RUNNING'")) {
			return result.next() ? result.getString(1) : null;
		}
	}

}
