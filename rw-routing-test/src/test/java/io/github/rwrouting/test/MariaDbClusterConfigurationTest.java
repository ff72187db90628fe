package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class MariaDbClusterConfigurationTest {

    @Test
    void extraSettingsAndDatabaseName() {
        try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(1).setting("max_connections", "42")
                .setting("session-track-system-variables", "last_gtid").setting("read-only", "0")
                .setting("port", "1").database("orders").start()) {
            assertThat(cluster.replica(1).isReadOnly()).as("the node's own options win over settings").isTrue();
            for (MariaDbNode node : cluster.nodes()) {
                assertThat(Sql.string(node, "SELECT @@port")).isEqualTo(Integer.toString(node.port()));
                assertThat(Sql.string(node, "SELECT @@max_connections")).isEqualTo("42");
                assertThat(Sql.string(node, "SELECT @@global.session_track_system_variables"))
                        .isEqualTo("last_gtid");
                assertThat(node.jdbcUrl()).endsWith("/orders");
                assertThat(Sql.string(node, "SELECT DATABASE()")).isEqualTo("orders");
            }
            assertThat(Sql.strings(cluster.primary(), "SHOW GRANTS FOR 'app'@'127.0.0.1'"))
                    .anyMatch(grant -> grant.startsWith("GRANT ALL PRIVILEGES ON `orders`.* TO `app`@`127.0.0.1`"))
                    .noneMatch(grant -> grant.contains("ON *.*") && !grant.startsWith("GRANT USAGE ON *.*"));
            assertThat(Sql.strings(cluster.primary(), "SHOW GRANTS FOR 'monitor'@'127.0.0.1'"))
                    .anyMatch(grant -> grant.startsWith("GRANT SLAVE MONITOR ON *.* TO `monitor`@`127.0.0.1`"));
        }
    }

    @Test
    void primaryWithoutReplicas() {
        try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(0).start()) {
            assertThat(cluster.nodes()).containsExactly(cluster.primary());
            assertThat(cluster.replicas()).isEmpty();
            Sql.execute(cluster.primary(), "CREATE TABLE t (id int PRIMARY KEY)");
            cluster.awaitReplicasCaughtUp(Duration.ofSeconds(5));
            assertThat(cluster.primary().isReadOnly()).isFalse();
            cluster.primary().awaitReplay(cluster.primary().gtidPosition(), Duration.ofSeconds(5));
        }
    }

    @Test
    void failedStartReportsTheServerLogAndLeavesNothing() throws IOException {
        assertThatThrownBy(() -> MariaDbCluster.builder().replicas(1).setting("innodb-buffer-pool-size", "lots")
                .timeout(Duration.ofSeconds(20)).start())
                .isInstanceOf(MariaDbClusterException.class)
                .hasMessageContaining("Could not start")
                .hasMessageContaining("last lines of")
                .hasMessageContaining("innodb-buffer-pool-size");
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(dirs.filter(dir -> dir.getFileName().toString().startsWith(ClusterDirectory.MARIADB_PREFIX))
                    .filter(MariaDbClusterConfigurationTest::ownedByThisJvm))
                    .isEmpty();
        }
    }

    @Test
    void rejectsInvalidConfiguration() {
        assertThatThrownBy(() -> MariaDbCluster.builder().replicas(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("bad name", "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("--port", "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("max_connections", "1\n--port=1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().database("Robert'); DROP"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().database("mysql"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbCluster.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extractsTheServerOnceWithExecutableBits() {
        Path installation = MariaDbBinaries.installation();
        assertThat(installation.getFileName().toString()).startsWith("rw-routing-mariadb-11.4.5-");
        assertThat(installation.resolve("bin/mariadbd")).isExecutable();
        assertThat(installation.resolve("bin/my_print_defaults")).isExecutable();
        assertThat(installation.resolve("scripts/mariadb-install-db")).isRegularFile();
        assertThat(installation.resolve("share/english/errmsg.sys")).isRegularFile();
        assertThat(MariaDbBinaries.installation()).isSameAs(installation);
    }

    @Test
    void gtidPositionsCompareDomainByDomain() {
        GtidPosition position = GtidPosition.parse("0-1-7,1-2-3");
        assertThat(position.includes(GtidPosition.parse("0-2-7"))).as("sequence, not server id, counts").isTrue();
        assertThat(position.includes(GtidPosition.parse("0-1-8"))).isFalse();
        assertThat(position.includes(GtidPosition.parse("1-2-3,0-1-6"))).isTrue();
        assertThat(position.includes(GtidPosition.parse("2-1-1"))).as("a domain it has not seen").isFalse();
        assertThat(position.includes(GtidPosition.parse(""))).isTrue();
        assertThat(GtidPosition.parse("").includes(position)).isFalse();
        assertThat(GtidPosition.parse(" 1-2-3, 0-1-7").toString()).isEqualTo("0-1-7,1-2-3");
        assertThatThrownBy(() -> GtidPosition.parse("0-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidPosition.parse("0-1-2,0-1-3")).isInstanceOf(IllegalArgumentException.class);
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
