package io.github.rwrouting.test;

import java.util.concurrent.CountDownLatch;

/**
 * Run in a separate JVM by {@link AbandonedClusterTest}: starts a cluster, prints where it lives, then blocks
 * until the JVM is killed. Also handy to check the library by hand ({@code java -cp ... ClusterMain 2 exit}).
 */
public final class ClusterMain {

    static final String BASE_DIR = "BASE_DIR=";
    static final String PID = "PID=";
    static final String WATCHDOG_PID = "WATCHDOG_PID=";
    static final String READY = "READY";

    private ClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long began = System.nanoTime();
        PostgresCluster cluster = PostgresCluster.builder().replicas(replicas).start();
        System.out.println("STARTED_MS=" + (System.nanoTime() - began) / 1_000_000);
        System.out.println(BASE_DIR + cluster.baseDirectory());
        for (PostgresNode node : cluster.nodes()) {
            System.out.println(PID + node.pid());
        }
        System.out.println(WATCHDOG_PID + cluster.watchdogPid());
        System.out.println(READY);
        System.out.flush();
        if (args.length > 1 && "exit".equals(args[1])) {
            cluster.close();
            return;
        }
        new CountDownLatch(1).await();
    }
}
