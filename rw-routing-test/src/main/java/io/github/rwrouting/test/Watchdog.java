package io.github.rwrouting.test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A detached shell process that outlives a JVM killed with SIGKILL (no shutdown hook runs then): once a second
 * it checks that the JVM is alive; when it is gone, it kills the cluster's servers and deletes the cluster
 * directory. It exits by itself once the directory is gone, which is what {@link PostgresCluster#close()} and
 * {@link MariaDbCluster#close()} do.
 */
final class Watchdog implements AutoCloseable {

    // $1 = JVM pid, $2 = cluster directory. A server (postmaster or mariadbd, see ClusterDirectory.PID_FILES) is
    // stopped before its children are listed so that it cannot fork one we would miss; the command-line check
    // guards against a pid reused since.
    private static final String SCRIPT = String.join("\n",
            "jvm=$1; base=$2",
            "while [ -d \"$base\" ] && kill -0 \"$jvm\" 2>/dev/null; do sleep 1; done",
            "[ -d \"$base\" ] || exit 0",
            "for f in \"$base\"/*/postmaster.pid \"$base\"/*/mariadbd.pid; do",
            "  [ -f \"$f\" ] || continue",
            "  pid=$(head -n 1 \"$f\")",
            "  case \"$pid\" in ''|*[!0-9]*) continue ;; esac",
            "  ps -o args= -p \"$pid\" 2>/dev/null | grep -qF -- \"$base\" || continue",
            "  kill -STOP \"$pid\" 2>/dev/null",
            "  for child in $(ps -A -o pid= -o ppid= | awk -v p=\"$pid\" '$2 == p { print $1 }'); do",
            "    kill -9 \"$child\" 2>/dev/null",
            "  done",
            "  kill -9 \"$pid\" 2>/dev/null",
            "done",
            "rm -rf \"$base\"",
            "");

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Process process;

    private Watchdog(Process process) {
        this.process = process;
    }

    static Watchdog start(Path clusterDirectory) {
        List<String> command = new ArrayList<>();
        // its own session: a Ctrl-C to the build's process group must not kill the watchdog before it cleans up
        Path setsid = ProcessRunner.findExecutable("setsid");
        if (setsid != null) {
            command.add(setsid.toString());
        }
        command.addAll(List.of("sh", "-c", SCRIPT, "rw-routing-watchdog",
                Long.toString(ProcessHandle.current().pid()), clusterDirectory.toString()));
        try {
            File devNull = new File("/dev/null");
            Process process = new ProcessBuilder(command).redirectInput(devNull)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(process);
        } catch (IOException e) {
            throw new DatabaseClusterException("Could not start the cleanup watchdog", e);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        log.debug("Stopped watchdog {}", process.pid());
    }
}
