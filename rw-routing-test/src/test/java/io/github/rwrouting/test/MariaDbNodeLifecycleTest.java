package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operations that change a MariaDB node's state; each test gets its own cluster, with the replicas it needs. */
class MariaDbNodeLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private MariaDbCluster cluster;

    private void startCluster(int replicas) {
        cluster = MariaDbCluster.builder().replicas(replicas).start();
        Sql.execute(cluster.primary(), "CREATE TABLE items (value varchar(64) PRIMARY KEY)");
    }

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void promotedReplicaBecomesThePrimaryAcceptsWritesAndContinuesTheGtidDomain() throws SQLException {
        startCluster(2);
        MariaDbNode oldPrimary = cluster.primary();
        MariaDbNode candidate = cluster.replica(1);
        String last = Sql.insert(oldPrimary, "items", "before promotion");
        candidate.awaitReplay(last, TIMEOUT);

        candidate.promote();

        assertThat(cluster.primary()).isSameAs(candidate);
        assertThat(candidate.isReadOnly()).isFalse();
        assertThat(candidate.isReplica()).isFalse();
        assertThat(Sql.string(candidate, "SELECT @@read_only")).isEqualTo("0");
        String gtid;
        try (Connection connection = candidate.connect(cluster.username(), cluster.password());
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO items VALUES ('after promotion')")).isOne();
            try (ResultSet rs = statement.executeQuery("SELECT @@last_gtid")) {
                rs.next();
                gtid = rs.getString(1);
            }
        }
        assertThat(gtid).as("the domain's sequence goes on under the new primary's server id")
                .isEqualTo("0-" + candidate.serverId() + "-" + (MariaDbReplicationTest.sequence(last) + 1));
        assertThat(candidate.gtidPosition()).isEqualTo(gtid);
        assertThat(Sql.string(candidate, "SELECT @@gtid_binlog_state"))
                .as("the last GTID of each (domain, server) it has logged: the old primary's and its own")
                .isEqualTo(last + "," + gtid);
        assertThat(Sql.string(candidate, "SELECT MASTER_GTID_WAIT('" + gtid + "', 0.05)"))
                .as("MASTER_GTID_WAIT compares gtid_slave_pos, which the promoted node's own writes do not move")
                .isEqualTo("-1");
        candidate.awaitReplay(gtid, TIMEOUT); // a writer compares its own binlog position
        assertThat(Sql.strings(candidate, "SELECT value FROM items ORDER BY value"))
                .containsExactly("after promotion", "before promotion");
        assertThat(cluster.replica(2).isReplica()).as("the other replica still follows the old primary").isTrue();

        candidate.stop();
        candidate.start();
        assertThat(candidate.isReadOnly()).as("a promoted node stays writable across a restart").isFalse();
        assertThat(candidate.isReplica()).isFalse();
    }

    @Test
    void killedPrimaryClosesItsPortAndCanBeStartedAgain() {
        startCluster(1);
        MariaDbNode primary = cluster.primary();
        long pid = primary.pid();

        primary.kill();

        assertThat(Ports.accepting(primary.port())).isFalse();
        assertThat(Processes.isRunning(pid)).isFalse();
        assertThat(primary.isRunning()).isFalse();
        assertThatThrownBy(primary::connect).isInstanceOf(SQLException.class);
        assertThat(cluster.replica(1).isReplica()).isTrue();

        primary.start();

        assertThat(primary.pid()).isNotEqualTo(pid);
        String gtid = Sql.insert(primary, "items", "after restart");
        cluster.replica(1).awaitReplay(gtid, TIMEOUT);
        assertThat(Sql.strings(cluster.replica(1), "SELECT value FROM items")).containsExactly("after restart");
    }

    @Test
    void acknowledgedCommitsSurviveAKill() {
        startCluster(0);
        MariaDbNode primary = cluster.primary();
        String gtid = Sql.insert(primary, "items", "acknowledged");

        primary.kill();
        primary.start();

        assertThat(Sql.strings(primary, "SELECT value FROM items")).containsExactly("acknowledged");
        assertThat(primary.gtidPosition()).isEqualTo(gtid);
    }

    @Test
    void stoppedReplicaCatchesUpAfterStart() {
        startCluster(1);
        MariaDbNode replica = cluster.replica(1);
        int port = replica.port();
        replica.stop();
        assertThat(replica.isRunning()).isFalse();
        assertThat(Ports.accepting(port)).isFalse();

        String gtid = Sql.insert(cluster.primary(), "items", "while stopped");
        replica.start();

        assertThat(replica.port()).isEqualTo(port);
        assertThat(replica.isReadOnly()).isTrue();
        replica.awaitReplay(gtid, TIMEOUT);
        assertThat(Sql.strings(replica, "SELECT value FROM items")).containsExactly("while stopped");
    }

    @Test
    void frozenNodeHangsUntilThawed() throws SQLException {
        startCluster(1);
        MariaDbNode replica = cluster.replica(1);
        try (Connection open = connectWithSocketTimeout(replica, 1000)) {
            replica.freeze();
            assertThat(replica.isFrozen()).isTrue();

            long began = System.nanoTime();
            assertThatThrownBy(() -> query(open)).isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThatThrownBy(() -> {
                try (Connection fresh = connectWithSocketTimeout(replica, 1000)) {
                    query(fresh);
                }
            }).isInstanceOf(SQLException.class);

            replica.thaw();
        }
        assertThat(replica.isFrozen()).isFalse();
        try (Connection afterThaw = connectWithSocketTimeout(replica, 5000)) {
            assertThat(query(afterThaw)).isEqualTo(1);
        }
        String gtid = Sql.insert(cluster.primary(), "items", "after thaw");
        replica.awaitReplay(gtid, TIMEOUT);
    }

    @Test
    void closeStopsFrozenAndKilledNodesToo() {
        startCluster(2);
        cluster.replica(1).freeze();
        cluster.replica(2).kill();
        List<Long> processes = List.of(cluster.primary().pid(), cluster.replica(1).pid());

        cluster.close();

        assertThat(processes).noneMatch(Processes::isRunning);
        assertThat(cluster.baseDirectory()).doesNotExist();
    }

    @Test
    void operationsWhileLoadRunsOnOtherThreads() throws Exception {
        startCluster(2);
        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> writer = load.submit(() -> {
            try (Connection connection = cluster.primary().connect(cluster.username(), cluster.password());
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?)")) {
                while (!stopLoad.get()) {
                    insert.setString(1, "row" + written.get());
                    insert.executeUpdate();
                    written.incrementAndGet();
                }
            }
            return null;
        });
        try {
            Await.until(() -> written.get() > 50, TIMEOUT, "the load has started");
            cluster.replica(1).pauseReplay();
            cluster.replica(2).kill();
            cluster.replica(2).start();
            cluster.replica(1).resumeReplay();
            int before = written.get();
            Await.until(() -> written.get() > before + 50, TIMEOUT, "the load goes on");
        } finally {
            stopLoad.set(true);
            load.shutdown();
        }
        writer.get(30, TimeUnit.SECONDS); // rethrows a failure of the load

        cluster.awaitReplicasCaughtUp(TIMEOUT);
        for (MariaDbNode replica : cluster.replicas()) {
            assertThat(Sql.string(replica, "SELECT count(*) FROM items")).isEqualTo(Integer.toString(written.get()));
        }
    }

    private Connection connectWithSocketTimeout(MariaDbNode node, int millis) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", cluster.username());
        properties.setProperty("password", cluster.password());
        properties.setProperty("socketTimeout", Integer.toString(millis));
        properties.setProperty("connectTimeout", Integer.toString(millis));
        return DriverManager.getConnection(node.jdbcUrl(), properties);
    }

    private static int query(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
