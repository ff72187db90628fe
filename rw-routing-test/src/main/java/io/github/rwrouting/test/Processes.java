package io.github.rwrouting.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Signals to and liveness of server processes that are not children of this JVM. */
final class Processes {

    private static final Duration QUICK = Duration.ofSeconds(30);

    private Processes() {
    }

    /**
     * Whether the process exists and has not exited. A killed server is re-parented to PID 1, and in containers
     * whose PID 1 does not reap, it lingers as a zombie that {@link ProcessHandle#isAlive()} still reports alive.
     */
    static boolean isRunning(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        String state = state(pid);
        return !state.isEmpty() && !state.startsWith("Z") && !state.startsWith("X");
    }

    /**
     * Whether the process is suspended by a stop signal (state {@code T}), with all its threads: a stop signal
     * is delivered asynchronously, and a thread that has not stopped yet may still answer a query.
     */
    static boolean isStopped(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> threads = Files.list(tasks)) {
                return threads.allMatch(thread -> state(thread.resolve("stat")).startsWith("T"))
                        && state(pid).startsWith("T");
            } catch (IOException | UncheckedIOException e) {
                return false; // vanished meanwhile
            }
        }
        return state(pid).startsWith("T");
    }

    /** The process state letter(s), e.g. {@code S}, {@code R}, {@code T}, {@code Z}; empty when it is gone. */
    private static String state(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(stat)) {
            return state(stat);
        }
        ProcessRunner.Result ps = ProcessRunner.run(List.of("ps", "-o", "stat=", "-p", Long.toString(pid)), null,
                QUICK);
        return ps.succeeded() ? ps.output().strip() : "";
    }

    /** The state in a /proc {@code stat} file. */
    private static String state(Path stat) {
        try {
            // not Files.readString: it trusts the size procfs reports and may return a truncated value
            String content = String.join(" ", Files.readAllLines(stat, StandardCharsets.ISO_8859_1));
            // "pid (comm) S ...": the command may contain spaces and parentheses, the state follows the last ')'
            return content.substring(content.lastIndexOf(')') + 1).strip();
        } catch (IOException | RuntimeException e) {
            return ""; // vanished meanwhile
        }
    }

    /** The process and all its descendants, parents first. */
    static List<Long> withDescendants(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(handle -> handle.descendants().forEach(child -> pids.add(child.pid())));
        return pids;
    }

    static void signal(String signal, Collection<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        command.addAll(pids.stream().map(String::valueOf).collect(Collectors.toList()));
        // Exit code 1 means some process was already gone, which is fine for every caller.
        ProcessRunner.run(command, null, QUICK);
    }

    /**
     * SIGKILLs a postmaster and every process it started. It is stopped first so that it cannot fork a new
     * backend between listing its children and killing it: an orphaned backend would survive and keep a port.
     */
    static List<Long> killTree(long pid) {
        signal("STOP", List.of(pid));
        List<Long> pids = withDescendants(pid);
        signal("KILL", pids);
        return pids;
    }

    static Optional<String> commandLine(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().commandLine());
    }
}
