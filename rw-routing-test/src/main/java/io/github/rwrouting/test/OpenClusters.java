package io.github.rwrouting.test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Clusters not closed yet; a shutdown hook closes them when the JVM exits normally. */
final class OpenClusters {

    private static final Set<PostgresCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;

    private OpenClusters() {
    }

    static synchronized void register(PostgresCluster cluster) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(OpenClusters::closeAll, "rw-routing-postgres-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(cluster);
    }

    static void unregister(PostgresCluster cluster) {
        OPEN.remove(cluster);
    }

    private static void closeAll() {
        for (PostgresCluster cluster : List.copyOf(OPEN)) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                // keep closing the others; the watchdog cleans up whatever is left
            }
        }
    }
}
