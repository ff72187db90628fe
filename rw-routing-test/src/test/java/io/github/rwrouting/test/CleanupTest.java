package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nothing may outlive a cluster: no server process, no directory, no watchdog. */
class CleanupTest {

    @Test
    void closeLeavesNoProcessAndNoDirectory() {
        PostgresCluster cluster = PostgresCluster.builder().replicas(1).start();
        List<Long> postmasters = new ArrayList<>();
        List<Long> processes = new ArrayList<>();
        for (PostgresNode node : cluster.nodes()) {
            postmasters.add(node.pid());
            processes.addAll(Processes.withDescendants(node.pid()));
        }
        long watchdog = cluster.watchdogPid();
        Path base = cluster.baseDirectory();
        assertThat(postmasters).allMatch(Processes::isRunning);
        assertThat(processes).hasSizeGreaterThan(postmasters.size());
        assertThat(base).isDirectory();

        cluster.close();
        cluster.close(); // idempotent

        assertThat(processes).noneMatch(Processes::isRunning);
        assertThat(base).doesNotExist();
        Await.until(() -> !Processes.isRunning(watchdog), Duration.ofSeconds(5), "the watchdog exits");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void jvmKilledWithSigkillLeavesNothingBehind() throws Exception {
        List<Long> pids = KilledClusterJvm.assertWatchdogCleansUp(ClusterMain.class);
        assertThat(pids).as("postmasters and their backends").hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void startingAClusterSweepsDirectoriesOfDeadJvms() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path stale = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), ClusterDirectory.PREFIX);
        Files.writeString(stale.resolve(ClusterDirectory.OWNER_FILE), finished.pid() + " 0\n");
        Files.createDirectories(stale.resolve("primary"));
        Path alive = ClusterDirectory.create();
        try {
            assertThat(stale).doesNotExist();
            assertThat(alive).isDirectory();
            ClusterDirectory.sweepStale();
            assertThat(alive).as("the directory of a live JVM is kept").isDirectory();
        } finally {
            FileTree.delete(alive);
        }
    }

    @Test
    void pidsOfExitedProcessesAreNotRunning() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sleep", "60").start();
        assertThat(Processes.isRunning(process.pid())).isTrue();
        process.destroyForcibly();
        process.waitFor();
        assertThat(Processes.isRunning(process.pid())).isFalse();
    }
}
