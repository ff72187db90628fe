package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Non-destructive behaviour on one shared MariaDB cluster, started by the JUnit extension. */
@ReplicatedMariaDb(replicas = 2)
class MariaDbReplicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static MariaDbCluster fromBeforeAll;
    private final MariaDbCluster fromConstructor;

    MariaDbReplicationTest(MariaDbCluster cluster) {
        this.fromConstructor = cluster;
    }

    @BeforeAll
    static void createTable(MariaDbCluster cluster) {
        fromBeforeAll = cluster;
        Sql.execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS items (value varchar(64) PRIMARY KEY)");
    }

    @BeforeEach
    void startFromCaughtUpReplicas(MariaDbCluster cluster) {
        cluster.awaitReplicasCaughtUp(TIMEOUT);
    }

    @Test
    void injectsTheSameClusterEverywhere(MariaDbCluster cluster) {
        assertThat(cluster).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
    }

    @Test
    void describesItsNodes(MariaDbCluster cluster) {
        assertThat(cluster.nodes()).extracting(MariaDbNode::name).containsExactly("primary", "replica1", "replica2");
        assertThat(cluster.replicas()).containsExactly(cluster.replica(1), cluster.replica(2));
        assertThat(cluster.node("replica2")).isSameAs(cluster.replica(2));
        assertThat(cluster.nodes()).extracting(MariaDbNode::port).doesNotHaveDuplicates();
        assertThat(cluster.nodes()).extracting(MariaDbNode::serverId).containsExactly(1, 2, 3);
        assertThat(cluster.primary().jdbcUrl())
                .isEqualTo("jdbc:mariadb://127.0.0.1:" + cluster.primary().port() + "/app");
        assertThat(cluster.database()).isEqualTo("app");
        assertThat(cluster.primary().isReadOnly()).isFalse();
        assertThat(cluster.primary().isReplica()).isFalse();
        for (MariaDbNode replica : cluster.replicas()) {
            assertThat(replica.isReadOnly()).isTrue();
            assertThat(replica.isReplica()).isTrue();
            assertThat(Sql.string(replica, "SELECT DATABASE()")).isEqualTo("app");
            assertThat(Sql.string(replica, "SELECT @@server_id")).isEqualTo(Integer.toString(replica.serverId()));
        }
        assertThat(Sql.string(cluster.primary(), "SELECT @@version")).startsWith("11.4.");
        assertThatThrownBy(() -> cluster.replica(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replicatesWithGtidsInStrictModeWithoutTls(MariaDbCluster cluster) {
        MariaDbNode primary = cluster.primary();
        assertThat(Sql.string(primary, "SELECT @@gtid_strict_mode")).isEqualTo("1");
        assertThat(Sql.string(primary, "SELECT @@binlog_format")).isEqualTo("ROW");
        assertThat(Sql.string(primary, "SELECT @@have_ssl")).isEqualTo("DISABLED");
        for (MariaDbNode replica : cluster.replicas()) {
            assertThat(Sql.string(replica, "SELECT @@log_slave_updates")).isEqualTo("1");
            try (Connection connection = replica.connect(); Statement statement = connection.createStatement();
                    ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
                assertThat(status.next()).isTrue();
                assertThat(status.getString("Using_Gtid")).isEqualTo("Slave_Pos");
                assertThat(status.getString("Master_Port")).isEqualTo(Integer.toString(primary.port()));
                assertThat(status.getString("Slave_IO_Running")).isEqualTo("Yes");
                assertThat(status.getString("Slave_SQL_Running")).isEqualTo("Yes");
                assertThat(status.getString("Master_SSL_Allowed")).isEqualTo("No");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void writeOnPrimaryIsReadOnBothReplicasOnceTheirGtidPositionIsReached(MariaDbCluster cluster) {
        String value = UUID.randomUUID().toString();
        String gtid = Sql.insert(cluster.primary(), "items", value);

        assertThat(gtid).matches("0-1-\\d+");
        assertThat(cluster.primary().gtidPosition()).isEqualTo(gtid);
        for (MariaDbNode replica : cluster.replicas()) {
            replica.awaitReplay(gtid, TIMEOUT);
            assertThat(Sql.strings(replica, "SELECT value FROM items")).contains(value);
            assertThat(replica.replayedGtidPosition()).isEqualTo(gtid);
            assertThat(replica.gtidPosition()).as("a replica logs what it replays").isEqualTo(gtid);
        }
    }

    @Test
    void lastGtidIsTheCommittedTransactionsGtidOnTheSameConnection(MariaDbCluster cluster) throws SQLException {
        MariaDbNode primary = cluster.primary();
        try (Connection connection = primary.connect(cluster.username(), cluster.password())) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?)")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.executeUpdate();
                insert.setString(1, UUID.randomUUID().toString());
                insert.executeUpdate();
            }
            connection.commit();
            String first = lastGtid(connection);
            assertThat(first).isEqualTo(primary.gtidPosition()).matches("0-1-\\d+");

            try (Statement select = connection.createStatement()) {
                select.executeQuery("SELECT count(*) FROM items").close();
            }
            connection.commit();
            assertThat(lastGtid(connection)).as("a read-only transaction keeps the last write's GTID")
                    .isEqualTo(first);

            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?)")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.executeUpdate();
            }
            connection.commit();
            assertThat(sequence(lastGtid(connection))).isEqualTo(sequence(first) + 1);
        }
    }

    @Test
    void masterGtidWaitAnswersZeroWhenReachedAndMinusOneOnTimeout(MariaDbCluster cluster) throws SQLException {
        String gtid = Sql.insert(cluster.primary(), "items", UUID.randomUUID().toString());
        String future = "0-1-" + (sequence(gtid) + 1000);
        MariaDbNode replica = cluster.replica(1);
        try (Connection connection = replica.connect(cluster.monitorUsername(), cluster.monitorPassword())) {
            // connect(user, password) opens the app database; the monitor has no privilege there
            throw new AssertionError("the monitor user must not open the app database: " + connection);
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1044);
        }
        try (Connection monitor = java.sql.DriverManager.getConnection(replica.jdbcUrl(""), cluster.monitorUsername(),
                cluster.monitorPassword())) {
            assertThat(masterGtidWait(monitor, gtid, 30)).isZero();
            long began = System.nanoTime();
            assertThat(masterGtidWait(monitor, future, 0.2)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        }
        try (Connection primary = cluster.primary().connect()) {
            assertThat(masterGtidWait(primary, gtid, 0.05))
                    .as("on the primary MASTER_GTID_WAIT compares gtid_slave_pos, which its own writes do not move")
                    .isEqualTo(-1);
        }
    }

    @Test
    void readOnlyReplicaRefusesTheApplicationUsersWrites(MariaDbCluster cluster) throws SQLException {
        try (Connection connection = cluster.replica(1).connect(cluster.username(), cluster.password());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO items VALUES ('on a replica')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1290);
                        assertThat(e.getSQLState()).isEqualTo("HY000");
                    });
        }
        try (Connection connection = cluster.primary().connect(cluster.username(), cluster.password());
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO items VALUES ('" + UUID.randomUUID() + "')")).isOne();
            assertThatThrownBy(() -> statement.execute("CREATE DATABASE other"))
                    .as("the application user has privileges on its database only")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1044));
        }
    }

    @Test
    void monitorUserReadsReplicationStatus(MariaDbCluster cluster) throws SQLException {
        try (Connection monitor = java.sql.DriverManager.getConnection(cluster.replica(2).jdbcUrl(""),
                cluster.monitorUsername(), cluster.monitorPassword());
                Statement statement = monitor.createStatement();
                ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
            assertThat(status.next()).isTrue();
            assertThat(status.getString("Slave_SQL_Running")).isEqualTo("Yes");
        }
    }

    @Test
    void pausedReplicaDoesNotSeeNewRowsUntilResumed(MariaDbCluster cluster) {
        MariaDbNode paused = cluster.replica(1);
        MariaDbNode live = cluster.replica(2);
        paused.pauseReplay();
        try {
            assertThat(paused.isReplayPaused()).isTrue();
            String value = UUID.randomUUID().toString();
            String gtid = Sql.insert(cluster.primary(), "items", value);

            live.awaitReplay(gtid, TIMEOUT);
            assertThat(Sql.strings(live, "SELECT value FROM items")).contains(value);
            assertThat(Sql.strings(paused, "SELECT value FROM items")).doesNotContain(value);
            String behind = paused.replayedGtidPosition();
            assertThat(sequence(behind)).isLessThan(sequence(gtid));
            assertThatThrownBy(() -> paused.awaitReplay(gtid, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("replica1 did not replay up to GTID position " + gtid)
                    .hasMessageContaining("last position: " + behind)
                    .hasMessageContaining("(replay is paused)");

            paused.resumeReplay();
            assertThat(paused.isReplayPaused()).isFalse();
            paused.awaitReplay(gtid, TIMEOUT);
            assertThat(Sql.strings(paused, "SELECT value FROM items")).contains(value);
        } finally {
            if (paused.isReplayPaused()) {
                paused.resumeReplay();
            }
        }
    }

    @Test
    void applyDelayHoldsBackCommitsOnThatReplicaOnly(MariaDbCluster cluster) {
        MariaDbNode delayed = cluster.replica(2);
        // MASTER_DELAY counts from the event's timestamp, which has whole seconds: a commit late in a
        // second is applied up to a second earlier than the delay after it. Two seconds keep it held back
        // more than one second whatever the commit's fraction of a second.
        Duration delay = Duration.ofSeconds(2);
        assertThatThrownBy(() -> delayed.setApplyDelay(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class);
        delayed.setApplyDelay(delay);
        try {
            String value = UUID.randomUUID().toString();
            long committed = System.nanoTime();
            String gtid = Sql.insert(cluster.primary(), "items", value);

            cluster.replica(1).awaitReplay(gtid, TIMEOUT);
            assertThat(Sql.strings(delayed, "SELECT value FROM items")).doesNotContain(value);

            delayed.awaitReplay(gtid, TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - committed)).isGreaterThan(delay.minusSeconds(1));
            assertThat(Sql.strings(delayed, "SELECT value FROM items")).contains(value);
        } finally {
            delayed.setApplyDelay(Duration.ZERO);
        }
    }

    @Test
    void awaitReplicasCaughtUpWaitsForEveryReplica(MariaDbCluster cluster) {
        String gtid = Sql.insert(cluster.primary(), "items", UUID.randomUUID().toString());

        cluster.awaitReplicasCaughtUp(TIMEOUT);

        for (MariaDbNode replica : cluster.replicas()) {
            assertThat(GtidPosition.parse(replica.replayedGtidPosition()).includes(GtidPosition.parse(gtid))).isTrue();
        }
    }

    @Nested
    class NestedClasses {

        @Test
        void shareTheOuterCluster(MariaDbCluster cluster) {
            assertThat(cluster).isSameAs(fromConstructor);
        }
    }

    static long sequence(String gtid) {
        return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
    }

    private static String lastGtid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@last_gtid")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int masterGtidWait(Connection connection, String gtid, double seconds) throws SQLException {
        try (PreparedStatement wait = connection.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            wait.setString(1, gtid);
            wait.setDouble(2, seconds);
            try (ResultSet rs = wait.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
