package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.protocol.ServerSessionStateController;
import com.mysql.cj.protocol.ServerSessionStateController.SessionStateChange;

/**
 * What the MariaDB/MySQL dialect design (docs/mariadb-mysql-dialect.md) relies on, checked against the real
 * MariaDB cluster with both drivers: capturing a commit's GTID in the commit's own round trip, and the queries
 * a monitor runs.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbDriverFactsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @BeforeAll
    static void createTable(MariaDbCluster cluster) {
        Sql.execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS items (value varchar(64) PRIMARY KEY)");
    }

    @Test
    void mariadbConnectorJCommitsAndReadsLastGtidInOneMultiStatement(MariaDbCluster cluster) throws SQLException {
        MariaDbNode primary = cluster.primary();
        String value = UUID.randomUUID().toString();
        try (Connection connection = DriverManager.getConnection(primary.jdbcUrl() + "?allowMultiQueries=true",
                cluster.username(), cluster.password()); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO items VALUES ('" + value + "')");

            assertThat(statement.execute("COMMIT; SELECT @@last_gtid")).as("first result: COMMIT's count").isFalse();
            assertThat(statement.getMoreResults()).isTrue();
            String gtid;
            try (ResultSet rs = statement.getResultSet()) {
                rs.next();
                gtid = rs.getString(1);
            }

            assertThat(gtid).matches("0-1-\\d+");
            assertThat(domains(primary.gtidPosition())).contains(gtid);
            cluster.replica(1).awaitReplay(gtid, TIMEOUT);
            assertThat(Sql.strings(cluster.replica(1), "SELECT value FROM items")).contains(value);
            // the connection goes on in its own transaction mode; what follows is a new transaction
            statement.executeUpdate("INSERT INTO items VALUES ('rolled back')");
            connection.rollback();
            assertThat(connection.getAutoCommit()).isFalse();
        }
        assertThat(Sql.strings(primary, "SELECT value FROM items")).contains(value).doesNotContain("rolled back");
    }

    @Test
    void mysqlConnectorJReportsLastGtidFromTheCommitsOkPacket(MariaDbCluster cluster) throws SQLException {
        MariaDbNode primary = cluster.primary();
        String url = "jdbc:mysql://" + MariaDbNode.HOST + ":" + primary.port() + "/" + cluster.database()
                + "?trackSessionState=true&sslMode=DISABLED"
                + "&sessionVariables=session_track_system_variables='last_gtid'";
        try (Connection connection = DriverManager.getConnection(url, cluster.username(), cluster.password());
                Statement statement = connection.createStatement()) {
            ServerSessionStateController sessionState = connection.unwrap(JdbcConnection.class)
                    .getServerSessionStateController();
            List<List<String>> trackedVariables = new ArrayList<>();
            sessionState.addSessionStateChangesListener(changes -> {
                for (SessionStateChange change : changes.getSessionStateChangesList()) {
                    if (change.getType() == ServerSessionStateController.SESSION_TRACK_SYSTEM_VARIABLES) {
                        trackedVariables.add(List.copyOf(change.getValues()));
                    }
                }
            });
            connection.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO items VALUES ('" + UUID.randomUUID() + "')");
            trackedVariables.clear();

            connection.commit();

            assertThat(trackedVariables).hasSize(1);
            assertThat(trackedVariables.get(0)).hasSize(2).first().isEqualTo("last_gtid");
            assertThat(trackedVariables.get(0).get(1)).matches("0-1-\\d+");
            assertThat(domains(primary.gtidPosition())).contains(trackedVariables.get(0).get(1));
        }
    }

    @Test
    void positionsSpanDomainsAndAreWaitedForDomainByDomain(MariaDbCluster cluster) throws SQLException {
        MariaDbNode primary = cluster.primary();
        String inDomainZero = Sql.insert(primary, "items", UUID.randomUUID().toString());
        String inDomainOne;
        try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION gtid_domain_id = 1"); // needs SUPER; root has it
            statement.executeUpdate("INSERT INTO items VALUES ('" + UUID.randomUUID() + "')");
            try (ResultSet rs = statement.executeQuery("SELECT @@last_gtid")) {
                rs.next();
                inDomainOne = rs.getString(1);
            }
        }
        assertThat(inDomainOne).startsWith("1-1-");
        String position = primary.gtidPosition();
        assertThat(position).isEqualTo(inDomainZero + "," + inDomainOne);

        MariaDbNode replica = cluster.replica(1);
        replica.awaitReplay(position, TIMEOUT);
        assertThat(replica.replayedGtidPosition()).isEqualTo(position);
        assertThat(Sql.string(replica, "SELECT MASTER_GTID_WAIT('" + inDomainZero + "', 0)"))
                .as("a position names only the domains it needs").isEqualTo("0");
        long nextInDomainOne = MariaDbReplicationTest.sequence(inDomainOne) + 1;
        assertThat(Sql.string(replica, "SELECT MASTER_GTID_WAIT('" + inDomainZero + ",1-1-" + nextInDomainOne
                + "', 0.05)")).as("every domain of the position must be reached").isEqualTo("-1");
    }

    @Test
    void monitorUserReadsRoleAndReplicationState(MariaDbCluster cluster) throws SQLException {
        String sql = "SELECT @@read_only, @@server_id, @@gtid_domain_id, @@gtid_binlog_pos, @@gtid_slave_pos,"
                + " (SELECT variable_value FROM information_schema.global_status"
                + " WHERE variable_name = 'SLAVE_RUNNING')";
        String gtid = Sql.insert(cluster.primary(), "items", UUID.randomUUID().toString());
        cluster.replica(1).awaitReplay(gtid, TIMEOUT);
        try (Connection primary = monitor(cluster, cluster.primary()); Connection replica = monitor(cluster,
                cluster.replica(1)); Statement onPrimary = primary.createStatement();
                Statement onReplica = replica.createStatement()) {
            try (ResultSet rs = onPrimary.executeQuery(sql)) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
                assertThat(rs.getInt(2)).isEqualTo(1);
                assertThat(rs.getInt(3)).isZero();
                assertThat(domains(rs.getString(4))).contains(gtid);
                assertThat(rs.getString(6)).isEqualTo("OFF");
            }
            try (ResultSet rs = onReplica.executeQuery(sql)) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getInt(2)).isEqualTo(2);
                assertThat(domains(rs.getString(4))).contains(gtid);
                assertThat(domains(rs.getString(5))).contains(gtid);
                assertThat(rs.getString(6)).isEqualTo("ON");
            }
            try (ResultSet rs = onReplica.executeQuery("SHOW REPLICA STATUS")) {
                assertThat(rs.next()).isTrue();
                assertThat(domains(rs.getString("Gtid_IO_Pos"))).contains(gtid);
                assertThat(rs.getString("Slave_SQL_Running")).isEqualTo("Yes");
                assertThat(rs.getLong("Seconds_Behind_Master")).isZero();
            }
        }
    }

    /** The GTIDs of a position, one per domain: other tests of this class may have written in domain 1. */
    private static List<String> domains(String position) {
        return List.of(position.split(","));
    }

    private static Connection monitor(MariaDbCluster cluster, MariaDbNode node) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl(""), cluster.monitorUsername(), cluster.monitorPassword());
    }
}
