package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ClusterConfigurationTest {

    @Test
    void synchronousStandbyAndExtraSettings() {
        try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).synchronousStandby(true)
                .setting("max_connections", "42").database("orders").start()) {
            PostgresNode primary = cluster.primary();
            assertThat(Sql.string(primary, "SHOW synchronous_standby_names")).isEqualTo("FIRST 1 (replica1)");
            Await.until(() -> "sync".equals(Sql.string(primary,
                    "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica1'")),
                    Duration.ofSeconds(30), "replica1 is the synchronous standby");
            assertThat(Sql.string(primary,
                    "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica2'"))
                    .isEqualTo("async");
            for (PostgresNode node : cluster.nodes()) {
                assertThat(Sql.string(node, "SHOW max_connections")).isEqualTo("42");
                assertThat(node.jdbcUrl()).endsWith("/orders");
                assertThat(Sql.string(node, "SELECT current_database()")).isEqualTo("orders");
            }
            Sql.execute(primary, "CREATE TABLE t (id int)"); // commits, so the synchronous standby answers
        }
    }

    @Test
    void primaryWithoutReplicas() {
        try (PostgresCluster cluster = PostgresCluster.builder().replicas(0).start()) {
            assertThat(cluster.nodes()).containsExactly(cluster.primary());
            assertThat(cluster.replicas()).isEmpty();
            Sql.execute(cluster.primary(), "CREATE TABLE t (id int)");
            cluster.awaitReplicasCaughtUp(Duration.ofSeconds(5));
            assertThat(cluster.primary().isInRecovery()).isFalse();
        }
    }

    @Test
    void failedStartReportsTheServerLogAndLeavesNothing() throws IOException {
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(1).setting("shared_buffers", "lots").start())
                .isInstanceOf(PostgresClusterException.class)
                .hasMessageContaining("Could not start primary")
                .hasMessageContaining("last lines of")
                .hasMessageContaining("shared_buffers");
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(dirs.filter(dir -> dir.getFileName().toString().startsWith(ClusterDirectory.PREFIX))
                    .filter(ClusterConfigurationTest::ownedByThisJvm))
                    .isEmpty();
        }
    }

    @Test
    void rejectsInvalidConfiguration() {
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresCluster.builder().setting("bad name", "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresCluster.builder().setting("work_mem", "1\nport=1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresCluster.builder().database("Robert'); DROP"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(0).synchronousStandby(true).start())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void findsTheArchiveForThisPlatform() {
        assertThat(PostgresBinaries.archiveNames()).allMatch(name -> name.matches("postgres-[a-z]+-[a-z0-9_]+\\.txz"));
        Path installation = PostgresBinaries.installation();
        assertThat(installation.getFileName().toString()).startsWith("rw-routing-postgres-");
        assertThat(installation.resolve("bin/initdb")).isExecutable();
        assertThat(installation.resolve("bin/pg_ctl")).isExecutable();
        assertThat(installation.resolve("bin/postgres")).isExecutable();
    }

    private static boolean ownedByThisJvm(Path dir) {
        try {
            return Files.readString(dir.resolve(ClusterDirectory.OWNER_FILE))
                    .startsWith(ProcessHandle.current().pid() + " ");
        } catch (IOException e) {
            return false;
        }
    }
}
