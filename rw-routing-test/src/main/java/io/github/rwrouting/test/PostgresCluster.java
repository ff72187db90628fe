package io.github.rwrouting.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real replicated PostgreSQL cluster for tests: a primary and N streaming hot standbys on free loopback
 * ports, run from the PostgreSQL server binaries on the classpath (no Docker, no system PostgreSQL).
 *
 * <pre>{@code
 * try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).start()) {
 *     String primaryUrl = cluster.primary().jdbcUrl();
 *     String replicaUrl = cluster.replica(1).jdbcUrl();
 *     ...
 * }
 * }</pre>
 *
 * <p>Servers accept the superuser {@code postgres} without a password ({@code trust} on 127.0.0.1). When the
 * JVM runs as root, the servers run as the user {@code nobody}, because PostgreSQL refuses to run as root.
 *
 * <p>Nothing is left behind: {@link #close()} stops the servers and deletes their directories; a shutdown hook
 * does the same for clusters not closed; a watchdog process does it when the JVM is killed; and starting a
 * cluster removes what earlier, killed runs may still have left.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The name of the node started as primary. */
    public static final String PRIMARY_NAME = "primary";
    /** Standbys are named this followed by their 1-based index: {@code replica1}, {@code replica2}, ... */
    public static final String REPLICA_NAME_PREFIX = "replica";

    private static final Logger log = LoggerFactory.getLogger(PostgresCluster.class);

    private final Path baseDirectory;
    private final String database;
    private final List<PostgresNode> nodes;
    private final List<PostgresNode> replicas;
    private final Watchdog watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PostgresNode primary;

    private PostgresCluster(Builder builder, Path baseDirectory, Watchdog watchdog) {
        this.baseDirectory = baseDirectory;
        this.database = builder.database;
        this.watchdog = watchdog;
        ServerUser user = ServerUser.current();
        List<Integer> ports = Ports.free(builder.replicas + 1);
        List<PostgresNode> all = new ArrayList<>();
        for (int i = 0; i <= builder.replicas; i++) {
            String name = i == 0 ? PRIMARY_NAME : REPLICA_NAME_PREFIX + i;
            all.add(new PostgresNode(name, ports.get(i), baseDirectory.resolve(name), database, user,
                    builder.timeout, promoted -> this.primary = promoted));
        }
        this.nodes = Collections.unmodifiableList(all);
        this.replicas = nodes.subList(1, nodes.size());
        this.primary = nodes.get(0);
    }

    /** @return a builder for a cluster with one replica, no synchronous standby and database {@code app} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the node that is currently the primary: the one started as primary, or the last promoted one */
    public PostgresNode primary() {
        return primary;
    }

    /**
     * @return the nodes started as standbys ({@code replica1}, {@code replica2}, ...), in order; after
     *         {@link PostgresNode#promote()} one of them may be the {@link #primary()}
     */
    public List<PostgresNode> replicas() {
        return replicas;
    }

    /**
     * @param index 1-based, as in the node name
     * @return the node {@code replica<index>}
     */
    public PostgresNode replica(int index) {
        if (index < 1 || index > replicas.size()) {
            throw new IllegalArgumentException("No replica " + index + "; the cluster has " + replicas.size());
        }
        return replicas.get(index - 1);
    }

    /**
     * @param name {@code primary}, {@code replica1}, ...
     * @return the node with that name
     */
    public PostgresNode node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name + " in " + nodes));
    }

    /** @return all nodes: the one started as primary first, then the replicas */
    public List<PostgresNode> nodes() {
        return nodes;
    }

    /** @return the name of the database created on the cluster (default {@code app}) */
    public String database() {
        return database;
    }

    /** @return the user to connect as: the superuser {@code postgres} */
    public String username() {
        return PostgresNode.SUPERUSER;
    }

    /** @return an empty string: the servers trust connections from 127.0.0.1 */
    public String password() {
        return "";
    }

    /** @return the directory holding all data directories of this cluster */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /**
     * Waits until every running standby that is neither paused nor frozen has replayed the current primary's
     * current WAL position. Standbys still following an old primary after a promotion never catch up.
     *
     * @param timeout how long to wait for all of them together
     * @throws AssertionError when a standby does not catch up in time
     */
    public void awaitReplicasCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PostgresNode current = primary;
        String lsn = current.currentLsn();
        for (PostgresNode node : nodes) {
            if (node != current && node.isRunning() && !node.isFrozen() && !node.isReplayPaused()
                    && node.isInRecovery()) {
                node.awaitReplay(lsn, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        }
    }

    /** Stops all servers (immediate shutdown) and deletes the cluster directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (PostgresNode node : nodes) {
            try {
                node.shutdownNow();
            } catch (RuntimeException | AssertionError e) {
                log.warn("Could not stop {}; the watchdog will kill it", node, e);
            }
        }
        FileTree.deleteQuietly(baseDirectory);
        watchdog.close();
        OpenClusters.unregister(this);
        log.info("Closed PostgreSQL cluster in {}", baseDirectory);
    }

    @Override
    public String toString() {
        return "PostgresCluster" + nodes + " in " + baseDirectory;
    }

    long watchdogPid() {
        return watchdog.pid();
    }

    private void bootstrap(Builder builder) {
        PostgresNode first = nodes.get(0);
        first.initdb();
        first.appendToFile("postgresql.conf", ServerSettings.sharedConfigFile(replicas.size(), builder.settings));
        first.appendToFile("pg_hba.conf", ServerSettings.hba());
        first.writeNodeSettings(Map.of("port", Integer.toString(first.port())));
        first.start();
        first.execute("CREATE DATABASE \"" + database + "\"");
        List<String> excluded = new ArrayList<>();
        for (PostgresNode replica : replicas) {
            // created before the copy so that the primary keeps all WAL the copy will need
            first.execute("SELECT pg_create_physical_replication_slot(?, true)", replica.name());
            excluded.add("pg_replslot/" + replica.name());
        }
        if (replicas.isEmpty()) {
            return;
        }
        // There is no pg_basebackup in the archive: a standby starts as a copy of the cleanly stopped primary.
        first.stop();
        inParallel(replicas, replica -> createStandby(replica, first, excluded));
        Map<String, String> primarySettings = new LinkedHashMap<>();
        primarySettings.put("port", Integer.toString(first.port()));
        if (builder.synchronousStandby) {
            // only now: with it, CREATE DATABASE above would have waited for a standby that did not exist yet
            primarySettings.put("synchronous_standby_names", "FIRST 1 (" + replicas.get(0).name() + ")");
        }
        first.writeNodeSettings(primarySettings);
        // A standby copied from a clean shutdown is consistent on its own, so it need not wait for the primary.
        inParallel(nodes, PostgresNode::start);
        for (PostgresNode replica : replicas) {
            awaitStreaming(first, replica, builder.timeout);
        }
    }

    private static void createStandby(PostgresNode replica, PostgresNode primary, List<String> excluded) {
        replica.copyDataFrom(primary, excluded);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", Integer.toString(replica.port()));
        settings.put("primary_conninfo", "host=" + PostgresNode.HOST + " port=" + primary.port() + " user="
                + PostgresNode.SUPERUSER + " application_name=" + replica.name());
        settings.put("primary_slot_name", replica.name());
        replica.writeNodeSettings(settings);
        replica.writeFile(DataDirectory.STANDBY_SIGNAL, "");
    }

    private static void inParallel(List<PostgresNode> targets, Consumer<PostgresNode> action) {
        InParallel.forEach(targets, action, "rw-routing-postgres-start", PostgresClusterException::new);
    }

    private static void awaitStreaming(PostgresNode primary, PostgresNode replica, Duration timeout) {
        try {
            Await.until(() -> Long.valueOf(1).equals(primary.queryOne(
                    "SELECT count(*) FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming'",
                    rs -> rs.getLong(1), replica.name())), timeout, replica.name() + " streams from the primary");
        } catch (AssertionError e) {
            throw new PostgresClusterException(e.getMessage() + replica.logTailForMessage() + primary.logTailForMessage(),
                    e);
        }
    }

    /** Configures and starts a {@link PostgresCluster}. */
    public static final class Builder {

        private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

        private int replicas = 1;
        private boolean synchronousStandby;
        private String database = "app";
        private Duration timeout = Duration.ofSeconds(60);
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param count the number of streaming standbys, 0 or more (default 1)
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
         * @param synchronous whether the primary waits for {@code replica1} to confirm each commit
         *                    ({@code synchronous_standby_names = 'FIRST 1 (replica1)'}); default {@code false}
         * @return this builder
         */
        public Builder synchronousStandby(boolean synchronous) {
            this.synchronousStandby = synchronous;
            return this;
        }

        /**
         * Adds a postgresql.conf setting for all nodes, overriding the defaults of this library.
         *
         * @param name  a setting name such as {@code max_connections}
         * @param value its value, unquoted
         * @return this builder
         */
        public Builder setting(String name, String value) {
            ServerSettings.validateName(name);
            ServerSettings.validateValue(name, value);
            settings.put(name, value);
            return this;
        }

        /**
         * @param values postgresql.conf settings for all nodes, see {@link #setting(String, String)}
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
            if (name == null || !DATABASE_NAME.matcher(name).matches() || "postgres".equals(name)) {
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
         * Starts the cluster and waits until every standby streams from the primary.
         *
         * @return the running cluster; close it when done
         * @throws PostgresClusterException when a server cannot be set up or started
         */
        public PostgresCluster start() {
            if (synchronousStandby && replicas == 0) {
                throw new IllegalStateException("synchronousStandby needs at least one replica");
            }
            long began = System.nanoTime();
            PostgresBinaries.installation();
            PostgresCluster cluster = ClusterLauncher.launch(ClusterDirectory.PREFIX,
                    (directory, watchdog) -> new PostgresCluster(this, directory, watchdog),
                    started -> started.bootstrap(this));
            log.info("Started PostgreSQL cluster {} in {} ms", cluster.nodes,
                    Duration.ofNanos(System.nanoTime() - began).toMillis());
            return cluster;
        }
    }
}
