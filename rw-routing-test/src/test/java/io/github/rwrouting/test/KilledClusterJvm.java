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

/**
 * Runs a main class that starts a cluster and prints {@link ClusterMain}'s lines in a child JVM, kills that JVM
 * with SIGKILL once the cluster is ready (no shutdown hook runs), and checks that the watchdog removes the
 * servers, their directory and itself.
 */
final class KilledClusterJvm {

    private KilledClusterJvm() {
    }

    /** @return the child's server processes (each server and its descendants), all gone when this returns */
    static List<Long> assertWatchdogCleansUp(Class<?> main) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName(), "1")
                .redirectErrorStream(true).start();
        Path base = null;
        List<Long> servers = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
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
                    long pid = Long.parseLong(line.substring(ClusterMain.PID.length()));
                    servers.add(pid);
                    pids.addAll(Processes.withDescendants(pid));
                } else if (line.startsWith(ClusterMain.WATCHDOG_PID)) {
                    watchdog = Long.parseLong(line.substring(ClusterMain.WATCHDOG_PID.length()));
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();
        }
        assertThat(base).as("base directory printed by the child JVM; its output: %s", output).isNotNull();
        assertThat(servers).as("servers of the child JVM").hasSize(2).allMatch(Processes::isRunning);
        assertThat(base).isDirectory();

        Path dir = base;
        long watchdogPid = watchdog;
        Await.until(() -> pids.stream().noneMatch(Processes::isRunning) && !Files.exists(dir),
                Duration.ofSeconds(15), "the watchdog removes the servers " + pids + " and " + dir);
        Await.until(() -> !Processes.isRunning(watchdogPid), Duration.ofSeconds(5), "the watchdog exits");
        return pids;
    }
}
