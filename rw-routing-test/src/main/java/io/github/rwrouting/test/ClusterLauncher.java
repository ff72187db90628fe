package io.github.rwrouting.test;

import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The start of every cluster: its directory, its watchdog, the shutdown hook, and on a failed start a close that
 * leaves nothing behind.
 */
final class ClusterLauncher {

    private ClusterLauncher() {
    }

    /**
     * @param prefix    the cluster directory's name prefix, see {@link ClusterDirectory}
     * @param create    makes the cluster object for its directory and watchdog (starts nothing yet)
     * @param bootstrap sets up and starts the servers
     * @return the started cluster, registered with {@link OpenClusters}
     */
    static <C extends AutoCloseable> C launch(String prefix, BiFunction<Path, Watchdog, C> create,
            Consumer<C> bootstrap) {
        Path baseDirectory = ClusterDirectory.create(prefix);
        Watchdog watchdog = Watchdog.start(baseDirectory);
        C cluster;
        try {
            cluster = create.apply(baseDirectory, watchdog);
        } catch (RuntimeException e) {
            FileTree.deleteQuietly(baseDirectory);
            watchdog.close();
            throw e;
        }
        OpenClusters.register(cluster);
        try {
            bootstrap.accept(cluster);
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return cluster;
    }
}
