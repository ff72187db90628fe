package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base directory of one cluster under {@code java.io.tmpdir}. It records the owning JVM so that a later run
 * can remove what a JVM killed before its cleanup (and before its watchdog could act) left behind.
 */
final class ClusterDirectory {

    static final String PREFIX = "rw-routing-pg-cluster-";
    static final String MARIADB_PREFIX = "rw-routing-mariadb-cluster-";
    static final String OWNER_FILE = "owner";
    /** The pid file of a node's server, relative to the node's directory; the watchdog looks for the same names. */
    static final List<String> PID_FILES = List.of(DataDirectory.PID_FILE, MariaDbNode.PID_FILE);
    private static final Duration OWNERLESS_GRACE = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(ClusterDirectory.class);

    private ClusterDirectory() {
    }

    static Path create() {
        return create(PREFIX);
    }

    /** @param prefix {@link #PREFIX} for a PostgreSQL cluster, {@link #MARIADB_PREFIX} for a MariaDB one */
    static Path create(String prefix) {
        sweepStale();
        try {
            Path dir = Files.createTempDirectory(tmp(), prefix);
            // 0755: the server user (see ServerUser) must be able to reach its data directory inside
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            ProcessHandle self = ProcessHandle.current();
            String started = self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
            Files.writeString(dir.resolve(OWNER_FILE), self.pid() + " " + started + "\n", StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new DatabaseClusterException("Could not create a cluster directory in " + tmp(), e);
        }
    }

    static void sweepStale() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp(),
                "{" + PREFIX + "," + MARIADB_PREFIX + "}*")) {
            for (Path dir : entries) {
                if (Files.isDirectory(dir) && isAbandoned(dir)) {
                    log.info("Removing cluster directory {} left behind by a dead JVM", dir);
                    killServers(dir);
                    FileTree.deleteQuietly(dir);
                }
            }
        } catch (IOException e) {
            log.debug("Could not sweep stale cluster directories", e);
        }
    }

    private static boolean isAbandoned(Path dir) throws IOException {
        Path ownerFile = dir.resolve(OWNER_FILE);
        if (!Files.exists(ownerFile)) {
            // possibly a directory another JVM has just created and not yet labelled
            FileTime modified = Files.getLastModifiedTime(dir);
            return modified.toInstant().isBefore(Instant.now().minus(OWNERLESS_GRACE));
        }
        String[] owner = Files.readString(ownerFile, StandardCharsets.UTF_8).strip().split(" ");
        long pid;
        try {
            pid = Long.parseLong(owner[0]);
        } catch (NumberFormatException e) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !Processes.isRunning(pid)) {
            return true;
        }
        // the pid may have been reused by an unrelated process since
        Optional<Instant> started = process.get().info().startInstant();
        if (owner.length > 1 && !"-".equals(owner[1]) && started.isPresent()) {
            return Math.abs(started.get().toEpochMilli() - Long.parseLong(owner[1])) > 1000;
        }
        return false;
    }

    private static void killServers(Path dir) throws IOException {
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir)) {
            for (Path node : nodes) {
                for (String pidFileName : PID_FILES) {
                    Path pidFile = node.resolve(pidFileName);
                    if (!Files.isRegularFile(pidFile)) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                    if (lines.isEmpty()) {
                        continue;
                    }
                    long pid = Long.parseLong(lines.get(0).strip());
                    boolean ours = Processes.commandLine(pid).map(line -> line.contains(node.toString()))
                            .orElse(false);
                    if (ours && Processes.isRunning(pid)) {
                        Processes.killTree(pid);
                    }
                }
            }
        } catch (NumberFormatException e) {
            log.debug("Unreadable pid file in {}", dir, e);
        }
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
