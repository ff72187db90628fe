package io.github.rwrouting.test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Clusters not closed yet; a shutdown hook closes them when the JVM exits normally. */
final class OpenClusters {

    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;

    private OpenClusters() {
    }

    static synchronized void register(AutoCloseable cluster) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(OpenClusters::closeAll, "rw-routing-cluster-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(cluster);
    }

    static void unregister(AutoCloseable cluster) {
        OPEN.remove(cluster);
    }

    private static void closeAll() {
        for (AutoCloseable cluster : List.copyOf(OPEN)) {
            try {
                cluster.close();
            } catch (Exception e) {
                // keep closing the others; the watchdog cleans up whatever is left
            }
        }
    }
}
