package io.github.rwrouting.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs a short-lived command to completion and captures what it printed. */
final class ProcessRunner {

    private ProcessRunner() {
    }

    record Result(List<String> command, int exitCode, String output) {

        boolean succeeded() {
            return exitCode == 0;
        }

        Result orThrow(String what) {
            return orThrow(what, DatabaseClusterException::new);
        }

        /** Throws the exception made by {@code failure} from a message, so that each cluster keeps its own type. */
        Result orThrow(String what, Function<String, ? extends RuntimeException> failure) {
            if (!succeeded()) {
                throw failure.apply(what + " failed (exit code " + exitCode + ", command " + command + ")"
                        + (output.isBlank() ? "" : ":\n" + output.strip()));
            }
            return this;
        }
    }

    static Result run(List<String> command, Path workingDirectory, Duration timeout) {
        return run(command, workingDirectory, timeout, null);
    }

    /**
     * Output goes to a file rather than a pipe on purpose: pg_ctl leaves a daemon behind, and a daemon that
     * inherited a pipe would keep a reader blocked forever.
     */
    static Result run(List<String> command, Path workingDirectory, Duration timeout, InputStream stdin) {
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("rw-routing-cmd-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            if (stdin == null) {
                builder.redirectInput(new File("/dev/null"));
            }
            process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    stdin.transferTo(in);
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new DatabaseClusterException("Command " + command + " did not finish within " + timeout
                        + ":\n" + Files.readString(output, Charset.defaultCharset()).strip());
            }
            return new Result(command, process.exitValue(), Files.readString(output, Charset.defaultCharset()));
        } catch (IOException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            throw new DatabaseClusterException("Could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new DatabaseClusterException("Interrupted while running " + command, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Finds an executable on the PATH, also looking in the sbin directories that a non-login root PATH may lack. */
    static Path findExecutable(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
