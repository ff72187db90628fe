package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Non-destructive behaviour on one shared cluster, started by the JUnit extension. */
@ReplicatedPostgres(replicas = 2)
class ReplicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static PostgresCluster fromBeforeAll;
    private final PostgresCluster fromConstructor;

    ReplicationTest(PostgresCluster cluster) {
        this.fromConstructor = cluster;
    }

    @BeforeAll
    static void createTable(PostgresCluster cluster) {
        fromBeforeAll = cluster;
        Sql.execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS items (value text)");
    }

    @BeforeEach
    void startFromCaughtUpReplicas(PostgresCluster cluster) {
        cluster.awaitReplicasCaughtUp(TIMEOUT);
    }

    @Test
    void injectsTheSameClusterEverywhere(PostgresCluster cluster) {
        assertThat(cluster).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
    }

    @Test
    void describesItsNodes(PostgresCluster cluster) {
        assertThat(cluster.nodes()).extracting(PostgresNode::name).containsExactly("primary", "replica1", "replica2");
        assertThat(cluster.replicas()).containsExactly(cluster.replica(1), cluster.replica(2));
        assertThat(cluster.node("replica2")).isSameAs(cluster.replica(2));
        assertThat(cluster.nodes()).extracting(PostgresNode::port).doesNotHaveDuplicates();
        assertThat(cluster.primary().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + cluster.primary().port() + "/app");
        assertThat(cluster.database()).isEqualTo("app");
        assertThat(cluster.username()).isEqualTo("postgres");
        assertThat(cluster.primary().isInRecovery()).isFalse();
        assertThat(cluster.replica(1).isInRecovery()).isTrue();
        assertThat(cluster.replica(2).isInRecovery()).isTrue();
        assertThat(Sql.string(cluster.replica(1), "SELECT current_database()")).isEqualTo("app");
        assertThatThrownBy(() -> cluster.replica(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void primaryStreamsToBothReplicas(PostgresCluster cluster) {
        assertThat(Sql.strings(cluster.primary(),
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1"))
                .containsExactly("replica1", "replica2");
    }

    @Test
    void writeOnPrimaryIsReadOnBothReplicas(PostgresCluster cluster) {
        String value = UUID.randomUUID().toString();
        String lsn = Sql.insert(cluster.primary(), "items", value);

        for (PostgresNode replica : cluster.replicas()) {
            replica.awaitReplay(lsn, TIMEOUT);
            assertThat(Sql.strings(replica, "SELECT value FROM items")).contains(value);
            assertThat(replica.replayLsn()).isNotNull();
        }
    }

    @Test
    void replicasRejectWrites(PostgresCluster cluster) {
        assertThatThrownBy(() -> Sql.execute(cluster.replica(1), "INSERT INTO items VALUES ('x')"))
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void pausedReplicaDoesNotSeeNewRowsUntilResumed(PostgresCluster cluster) {
        PostgresNode paused = cluster.replica(1);
        PostgresNode live = cluster.replica(2);
        paused.pauseReplay();
        try {
            assertThat(paused.isReplayPaused()).isTrue();
            String value = UUID.randomUUID().toString();
            String lsn = Sql.insert(cluster.primary(), "items", value);

            live.awaitReplay(lsn, TIMEOUT);
            assertThat(Sql.strings(live, "SELECT value FROM items")).contains(value);
            assertThat(Sql.strings(paused, "SELECT value FROM items")).doesNotContain(value);
            assertThatThrownBy(() -> paused.awaitReplay(lsn, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("replica1 did not replay up to LSN " + lsn)
                    .hasMessageContaining("last replayed LSN: " + paused.replayLsn());

            paused.resumeReplay();
            assertThat(paused.isReplayPaused()).isFalse();
            paused.awaitReplay(lsn, TIMEOUT);
            assertThat(Sql.strings(paused, "SELECT value FROM items")).contains(value);
        } finally {
            if (paused.isReplayPaused()) {
                paused.resumeReplay();
            }
        }
    }

    @Test
    void applyDelayHoldsBackCommitsOnThatReplicaOnly(PostgresCluster cluster) {
        PostgresNode delayed = cluster.replica(2);
        Duration delay = Duration.ofSeconds(2);
        delayed.setApplyDelay(delay);
        try {
            assertThat(Sql.string(delayed, "SHOW recovery_min_apply_delay")).isEqualTo("2s");
            String value = UUID.randomUUID().toString();
            long committed = System.nanoTime();
            String lsn = Sql.insert(cluster.primary(), "items", value);

            cluster.replica(1).awaitReplay(lsn, TIMEOUT);
            assertThat(Sql.strings(delayed, "SELECT value FROM items")).doesNotContain(value);

            delayed.awaitReplay(lsn, TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - committed)).isGreaterThan(delay.minusMillis(300));
            assertThat(Sql.strings(delayed, "SELECT value FROM items")).contains(value);
        } finally {
            delayed.setApplyDelay(Duration.ZERO);
        }
        assertThat(Sql.string(delayed, "SHOW recovery_min_apply_delay")).isEqualTo("0");
    }

    @Test
    void awaitReplicasCaughtUpWaitsForEveryReplica(PostgresCluster cluster) {
        String value = UUID.randomUUID().toString();
        String lsn = Sql.insert(cluster.primary(), "items", value);

        cluster.awaitReplicasCaughtUp(TIMEOUT);

        for (PostgresNode replica : cluster.replicas()) {
            assertThat(Sql.string(replica, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '" + lsn + "') >= 0"))
                    .isEqualTo("t");
        }
    }

    @Nested
    class NestedClasses {

        @Test
        void shareTheOuterCluster(PostgresCluster cluster) {
            assertThat(cluster).isSameAs(fromConstructor);
        }
    }
}
