package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A server's data directory and the PostgreSQL commands that work on it (initdb, pg_ctl), run as the
 * {@link ServerUser}.
 */
final class DataDirectory {

    static final String LOG_FILE = "server.log";
    static final String PID_FILE = "postmaster.pid";
    static final String STANDBY_SIGNAL = "standby.signal";
    private static final int LOG_TAIL_LINES = 40;

    private final Path path;
    private final ServerUser user;
    private final Duration timeout;

    DataDirectory(Path path, ServerUser user, Duration timeout) {
        this.path = path;
        this.user = user;
        this.timeout = timeout;
    }

    Path path() {
        return path;
    }

    Path logFile() {
        return path.resolve(LOG_FILE);
    }

    void initdb(String superuser) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new PostgresClusterException("Could not create " + path, e);
        }
        user.handOver(path);
        run(List.of(PostgresBinaries.executable("initdb").toString(), "-D", path.toString(), "-U", superuser,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"))
                .orThrow("initdb in " + path, PostgresClusterException::new);
    }

    /** Makes this directory a copy of {@code source}, whose server must have been stopped cleanly. */
    void copyFrom(DataDirectory source, List<String> excluded) {
        List<String> skip = new ArrayList<>(List.of(PID_FILE, "postmaster.opts", LOG_FILE, ServerSettings.NODE_FILE,
                STANDBY_SIGNAL));
        skip.addAll(excluded);
        try {
            FileTree.copy(source.path, path, Set.copyOf(skip));
        } catch (IOException e) {
            throw new PostgresClusterException("Could not copy " + source.path + " to " + path, e);
        }
        user.handOver(path);
    }

    void append(String file, String text) {
        write(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void write(String file, String text) {
        write(file, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    private void write(String file, String text, StandardOpenOption... options) {
        Path target = path.resolve(file);
        try {
            Files.writeString(target, text, StandardCharsets.UTF_8, options);
        } catch (IOException e) {
            throw new PostgresClusterException("Could not write " + target, e);
        }
        user.handOver(target);
    }

    /** The postmaster's pid, if the pid file exists (the server runs or was killed). */
    OptionalLong postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(path.resolve(PID_FILE), StandardCharsets.UTF_8);
            if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                return OptionalLong.of(Long.parseLong(lines.get(0).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            // no (complete) pid file: not running
        }
        return OptionalLong.empty();
    }

    void deletePidFile() {
        try {
            Files.deleteIfExists(path.resolve(PID_FILE));
        } catch (IOException e) {
            throw new PostgresClusterException("Could not delete " + path.resolve(PID_FILE), e);
        }
    }

    ProcessRunner.Result pgCtl(String action, String... options) {
        List<String> command = new ArrayList<>(List.of(PostgresBinaries.executable("pg_ctl").toString(), action,
                "-D", path.toString(), "-w", "-t", Long.toString(Math.max(1, timeout.toSeconds()))));
        command.addAll(List.of(options));
        return run(command);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile() + ")";
        }
    }

    private ProcessRunner.Result run(List<String> command) {
        // The server user may not be allowed into the JVM's working directory; the cluster directory is open to it.
        return ProcessRunner.run(user.wrap(command), path.getParent(), timeout.plusSeconds(10));
    }
}
