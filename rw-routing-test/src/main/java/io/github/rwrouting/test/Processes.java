package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(stat)) {
            try {
                // not Files.readString: it trusts the size procfs reports and may return a truncated value
                String content = String.join(" ", Files.readAllLines(stat, StandardCharsets.ISO_8859_1));
                // "pid (comm) S ...": the command may contain spaces and parentheses, the state follows the last ')'
                String afterCommand = content.substring(content.lastIndexOf(')') + 1).strip();
                return !afterCommand.startsWith("Z") && !afterCommand.startsWith("X");
            } catch (IOException | RuntimeException e) {
                return false; // vanished meanwhile
            }
        }
        ProcessRunner.Result ps = ProcessRunner.run(List.of("ps", "-o", "stat=", "-p", Long.toString(pid)), null,
                QUICK);
        String state = ps.output().strip();
        return ps.succeeded() && !state.isEmpty() && !state.startsWith("Z");
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
