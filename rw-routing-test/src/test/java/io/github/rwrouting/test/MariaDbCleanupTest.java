package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nothing may outlive a MariaDB cluster: no server process, no directory, no watchdog. */
class MariaDbCleanupTest {

    @Test
    void closeLeavesNoProcessAndNoDirectory() {
        MariaDbCluster cluster = MariaDbCluster.builder().replicas(1).start();
        List<Long> servers = new ArrayList<>();
        for (MariaDbNode node : cluster.nodes()) {
            servers.add(node.pid());
        }
        long watchdog = cluster.watchdogPid();
        Path base = cluster.baseDirectory();
        assertThat(servers).hasSize(2).allMatch(Processes::isRunning);
        assertThat(servers).allMatch(pid -> Processes.commandLine(pid).orElse("").contains("mariadbd"));
        assertThat(base).isDirectory();

        cluster.close();
        cluster.close(); // idempotent

        assertThat(servers).noneMatch(Processes::isRunning);
        assertThat(cluster.nodes()).noneMatch(node -> Ports.accepting(node.port()));
        assertThat(base).doesNotExist();
        Await.until(() -> !Processes.isRunning(watchdog), Duration.ofSeconds(5), "the watchdog exits");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void jvmKilledWithSigkillLeavesNothingBehind() throws Exception {
        KilledClusterJvm.assertWatchdogCleansUp(MariaDbClusterMain.class);
    }

    @Test
    void startingAClusterSweepsMariaDbDirectoriesOfDeadJvms() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path stale = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                ClusterDirectory.MARIADB_PREFIX);
        Files.writeString(stale.resolve(ClusterDirectory.OWNER_FILE), finished.pid() + " 0\n");
        Files.createDirectories(stale.resolve("primary"));
        Path alive = ClusterDirectory.create(ClusterDirectory.MARIADB_PREFIX);
        try {
            assertThat(stale).doesNotExist();
            assertThat(alive).isDirectory();
            ClusterDirectory.sweepStale();
            assertThat(alive).as("the directory of a live JVM is kept").isDirectory();
        } finally {
            FileTree.delete(alive);
        }
    }
}
