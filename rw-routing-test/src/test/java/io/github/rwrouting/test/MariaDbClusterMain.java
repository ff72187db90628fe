package io.github.rwrouting.test;

import java.util.concurrent.CountDownLatch;

/**
 * {@link ClusterMain} for MariaDB: run in a separate JVM by {@link MariaDbCleanupTest}, starts a cluster, prints
 * where it lives (same lines as {@link ClusterMain}), then blocks until the JVM is killed. Also handy to time a
 * start by hand ({@code java -cp ... MariaDbClusterMain 1 exit}).
 */
public final class MariaDbClusterMain {

    private MariaDbClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long began = System.nanoTime();
        MariaDbCluster cluster = MariaDbCluster.builder().replicas(replicas).start();
        System.out.println("STARTED_MS=" + (System.nanoTime() - began) / 1_000_000);
        System.out.println(ClusterMain.BASE_DIR + cluster.baseDirectory());
        for (MariaDbNode node : cluster.nodes()) {
            System.out.println(ClusterMain.PID + node.pid());
        }
        System.out.println(ClusterMain.WATCHDOG_PID + cluster.watchdogPid());
        System.out.println(ClusterMain.READY);
        System.out.flush();
        if (args.length > 1 && "exit".equals(args[1])) {
            long closing = System.nanoTime();
            cluster.close();
            System.out.println("CLOSED_MS=" + (System.nanoTime() - closing) / 1_000_000);
            return;
        }
        new CountDownLatch(1).await();
    }
}
