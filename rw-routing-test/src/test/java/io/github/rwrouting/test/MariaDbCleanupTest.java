package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MariaDbClusterMain.class.getName(), "1").redirectErrorStream(true).start();
        Path base = null;
        List<Long> servers = new ArrayList<>();
        long watchdog = -1;
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null && !line.equals(ClusterMain.READY);
                    line = reader.readLine()) {
                output.add(line);
                if (line.startsWith(ClusterMain.BASE_DIR)) {
                    base = Path.of(line.substring(ClusterMain.BASE_DIR.length()));
                } else if (line.startsWith(ClusterMain.PID)) {
                    servers.add(Long.parseLong(line.substring(ClusterMain.PID.length())));
                } else if (line.startsWith(ClusterMain.WATCHDOG_PID)) {
                    watchdog = Long.parseLong(line.substring(ClusterMain.WATCHDOG_PID.length()));
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();
        }
        assertThat(base).as("base directory printed by the child JVM; its output: %s", output).isNotNull();
        assertThat(servers).as("server processes of the child JVM").hasSize(2).allMatch(Processes::isRunning);
        assertThat(base).isDirectory();

        Path dir = base;
        long watchdogPid = watchdog;
        Await.until(() -> servers.stream().noneMatch(Processes::isRunning) && !Files.exists(dir),
                Duration.ofSeconds(15), "the watchdog removes the servers " + servers + " and " + dir);
        Await.until(() -> !Processes.isRunning(watchdogPid), Duration.ofSeconds(5), "the watchdog exits");
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
