package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user that runs the database servers. PostgreSQL and MariaDB refuse to run as root, and CI
 * builds often run as root, so a root JVM hands the servers (and their data directories) to the unprivileged
 * user {@code nobody}; any other JVM runs them as itself.
 */
final class ServerUser {

    static final String UNPRIVILEGED = "nobody";
    private static final Duration QUICK = Duration.ofSeconds(30);

    private static volatile ServerUser current;

    private final List<String> prefix;
    private final UserPrincipal owner;

    private ServerUser(List<String> prefix, UserPrincipal owner) {
        this.prefix = prefix;
        this.owner = owner;
    }

    static ServerUser current() {
        ServerUser user = current;
        if (user == null) {
            synchronized (ServerUser.class) {
                user = current;
                if (user == null) {
                    user = detect();
                    current = user;
                }
            }
        }
        return user;
    }

    private static ServerUser detect() {
        String uid = ProcessRunner.run(List.of("id", "-u"), null, QUICK).orThrow("id -u").output().strip();
        if (!"0".equals(uid)) {
            return new ServerUser(List.of(), null);
        }
        UserPrincipal nobody;
        try {
            nobody = Path.of(System.getProperty("java.io.tmpdir")).getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(UNPRIVILEGED);
        } catch (IOException e) {
            throw new DatabaseClusterException("Running as root, but the user '" + UNPRIVILEGED
                    + "' that should run the database servers does not exist", e);
        }
        return new ServerUser(switchUserPrefix(), nobody);
    }

    private static List<String> switchUserPrefix() {
        Path runuser = ProcessRunner.findExecutable("runuser");
        if (runuser != null) {
            return List.of(runuser.toString(), "-u", UNPRIVILEGED, "--");
        }
        Path setpriv = ProcessRunner.findExecutable("setpriv");
        if (setpriv != null) {
            String gid = ProcessRunner.run(List.of("id", "-g", UNPRIVILEGED), null, QUICK)
                    .orThrow("id -g " + UNPRIVILEGED).output().strip();
            return List.of(setpriv.toString(), "--reuid=" + UNPRIVILEGED, "--regid=" + gid, "--clear-groups");
        }
        return null; // su takes a single command string; see wrap()
    }

    boolean isSwitching() {
        return owner != null;
    }

    /** The command, run as the server user. */
    List<String> wrap(List<String> command) {
        if (owner == null) {
            return command;
        }
        if (prefix != null) {
            List<String> wrapped = new ArrayList<>(prefix);
            wrapped.addAll(command);
            return wrapped;
        }
        StringBuilder line = new StringBuilder("exec");
        for (String part : command) {
            line.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        return List.of("su", "-s", "/bin/sh", UNPRIVILEGED, "-c", line.toString());
    }

    /** Gives a directory tree to the server user, which must own its data directory. */
    void handOver(Path directory) {
        if (owner == null) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.setOwner(dir, owner);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.setOwner(file, owner);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DatabaseClusterException("Could not give " + directory + " to user " + UNPRIVILEGED, e);
        }
    }
}
