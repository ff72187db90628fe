package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operations that change a node's state; each test gets its own cluster. */
class NodeLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PostgresCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = PostgresCluster.builder().replicas(2).start();
        Sql.execute(cluster.primary(), "CREATE TABLE items (value text)");
    }

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    @Test
    void promotedReplicaBecomesThePrimaryAndAcceptsWrites() {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode candidate = cluster.replica(1);
        candidate.awaitReplay(oldPrimary.currentLsn(), TIMEOUT);

        candidate.promote();

        assertThat(cluster.primary()).isSameAs(candidate);
        assertThat(candidate.isInRecovery()).isFalse();
        Sql.execute(candidate, "INSERT INTO items VALUES ('after promotion')");
        assertThat(Sql.strings(candidate, "SELECT value FROM items")).containsExactly("after promotion");
        assertThat(candidate.currentLsn()).isNotBlank();
        assertThat(cluster.replica(2).isInRecovery()).isTrue();
    }

    @Test
    void killedPrimaryClosesItsPortAndCanBeStartedAgain() {
        PostgresNode primary = cluster.primary();
        long pid = primary.pid();
        List<Long> processes = Processes.withDescendants(pid);
        assertThat(processes).hasSizeGreaterThan(1);

        primary.kill();

        assertThat(Ports.accepting(primary.port())).isFalse();
        assertThat(processes).noneMatch(Processes::isRunning);
        assertThat(primary.isRunning()).isFalse();
        assertThatThrownBy(primary::connect).isInstanceOf(SQLException.class);
        assertThat(cluster.replica(1).isInRecovery()).isTrue();

        primary.start();

        String lsn = Sql.insert(primary, "items", "after restart");
        cluster.replica(1).awaitReplay(lsn, TIMEOUT);
        assertThat(Sql.strings(cluster.replica(1), "SELECT value FROM items")).containsExactly("after restart");
    }

    @Test
    void stoppedReplicaCatchesUpAfterStart() {
        PostgresNode replica = cluster.replica(2);
        int port = replica.port();
        replica.stop();
        assertThat(replica.isRunning()).isFalse();
        assertThat(Ports.accepting(port)).isFalse();

        String lsn = Sql.insert(cluster.primary(), "items", "while stopped");
        replica.start();

        assertThat(replica.port()).isEqualTo(port);
        replica.awaitReplay(lsn, TIMEOUT);
        assertThat(Sql.strings(replica, "SELECT value FROM items")).containsExactly("while stopped");
    }

    @Test
    void frozenNodeHangsUntilThawed() throws SQLException {
        PostgresNode replica = cluster.replica(1);
        try (Connection open = connectWithSocketTimeout(replica, 1)) {
            replica.freeze();
            assertThat(replica.isFrozen()).isTrue();

            long began = System.nanoTime();
            assertThatThrownBy(() -> query(open)).isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThatThrownBy(() -> {
                try (Connection fresh = connectWithSocketTimeout(replica, 1)) {
                    query(fresh);
                }
            }).isInstanceOf(SQLException.class);

            replica.thaw();
        }
        assertThat(replica.isFrozen()).isFalse();
        try (Connection afterThaw = connectWithSocketTimeout(replica, 5)) {
            assertThat(query(afterThaw)).isEqualTo(1);
        }
    }

    @Test
    void closeStopsFrozenAndKilledNodesToo() {
        cluster.replica(1).freeze();
        cluster.replica(2).kill();
        List<Long> processes = Processes.withDescendants(cluster.primary().pid());
        processes.addAll(Processes.withDescendants(cluster.replica(1).pid()));

        cluster.close();

        assertThat(processes).noneMatch(Processes::isRunning);
        assertThat(cluster.baseDirectory()).doesNotExist();
    }

    @Test
    void operationsWhileLoadRunsOnOtherThreads() throws Exception {
        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> writer = load.submit(() -> {
            try (Connection connection = cluster.primary().connect();
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
            Await.until(() -> written.get() > 100, TIMEOUT, "the load goes on");
        } finally {
            stopLoad.set(true);
            load.shutdown();
        }
        writer.get(30, TimeUnit.SECONDS); // rethrows a failure of the load

        cluster.awaitReplicasCaughtUp(TIMEOUT);
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(Sql.string(replica, "SELECT count(*) FROM items")).isEqualTo(Integer.toString(written.get()));
        }
    }

    private static Connection connectWithSocketTimeout(PostgresNode node, int seconds) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        return DriverManager.getConnection(node.jdbcUrl(), properties);
    }

    private static int query(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery("SELECT 1");
            rs.next();
            return rs.getInt(1);
        }
    }
}
