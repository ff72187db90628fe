package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MariaDB server of a {@link MariaDbCluster}: the primary or a read-only replica replicating with GTIDs,
 * listening on {@code 127.0.0.1} on its own port. Every operation that changes the server's state waits, with a
 * deadline, until the change has taken effect.
 *
 * <p>Lifecycle operations ({@link #start()}, {@link #stop()}, {@link #kill()}, {@link #freeze()},
 * {@link #thaw()}, {@link #promote()}) are serialised per node, so tests may call them while other threads run
 * load against the cluster.
 */
public final class MariaDbNode {

    /** The address every server listens on. */
    public static final String HOST = "127.0.0.1";

    static final String SUPERUSER = "root";
    static final String PID_FILE = "mariadbd.pid";
    static final String SOCKET_FILE = "mariadbd.sock";
    static final String LOG_FILE = "server.log";
    private static final String DATA = "data";
    private static final String OUTPUT_FILE = "server.out";
    private static final int LOG_TAIL_LINES = 40;
    /**
     * Starts the server ($2...) in the background with its output appended to $1, and prints its pid. Detached
     * like pg_ctl's postmaster: a parent that waits for it (runuser, or this JVM) would interfere with
     * {@link #freeze()}: runuser stops itself when its child stops and resumes the child when it is resumed.
     */
    private static final String LAUNCH = "out=$1; shift; \"$@\" >> \"$out\" 2>&1 < /dev/null & echo $!";
    /** Cap of one MASTER_GTID_WAIT call, well below the socket timeout of the connection that runs it. */
    private static final Duration LONGEST_SINGLE_WAIT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(MariaDbNode.class);

    private final String name;
    private final int port;
    private final int serverId;
    private final Path directory;
    private final String database;
    private final ServerUser user;
    private final Duration timeout;
    private final Map<String, String> settings;
    private final Consumer<MariaDbNode> promotionListener;
    private final Object lifecycle = new Object();

    private volatile boolean replica;
    private volatile boolean running;
    private volatile boolean frozen;
    private volatile boolean replayPaused;

    MariaDbNode(String name, int port, int serverId, boolean replica, Path directory, String database,
            ServerUser user, Duration timeout, Map<String, String> settings, Consumer<MariaDbNode> promotionListener) {
        this.name = name;
        this.port = port;
        this.serverId = serverId;
        this.replica = replica;
        this.directory = directory;
        this.database = database;
        this.user = user;
        this.timeout = timeout;
        this.settings = settings;
        this.promotionListener = promotionListener;
    }

    /** @return {@code primary}, {@code replica1}, {@code replica2}, ... (the name it was created with) */
    public String name() {
        return name;
    }

    /** @return the TCP port on {@link #HOST}; it stays the same across {@link #stop()} and {@link #start()} */
    public int port() {
        return port;
    }

    /**
     * @return the server's {@code server_id}: 1 for the primary, {@code n + 1} for {@code replica<n>}; the middle
     *         part of the GTIDs of the transactions it writes ({@code 0-<server_id>-<sequence>})
     */
    public int serverId() {
        return serverId;
    }

    /** @return {@code jdbc:mariadb://127.0.0.1:<port>/<database>} for the cluster's database */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /**
     * @param databaseName a database on this server, or an empty string for a connection without a default
     *                     database (which a user with only global privileges, such as the monitor user, needs)
     * @return the MariaDB Connector/J URL of that database on this server
     */
    public String jdbcUrl(String databaseName) {
        return "jdbc:mariadb://" + HOST + ":" + port + "/" + databaseName;
    }

    /** @return the directory holding the server's data directory, socket, pid file and logs */
    public Path directory() {
        return directory;
    }

    /** @return the server's data directory (deleted when the cluster is closed) */
    public Path dataDirectory() {
        return directory.resolve(DATA);
    }

    /** @return the server's error log */
    public Path logFile() {
        return directory.resolve(LOG_FILE);
    }

    /**
     * Opens a new connection to the cluster's database as the superuser {@code root} (no password), which may
     * write on a read-only replica. Use {@link #connect(String, String)} with {@link MariaDbCluster#username()}
     * for the application's view.
     *
     * @return a new connection, to be closed by the caller
     * @throws SQLException when the server does not accept the connection
     */
    public Connection connect() throws SQLException {
        return connect(SUPERUSER, "");
    }

    /**
     * @param username e.g. {@link MariaDbCluster#username()}
     * @param password its password
     * @return a new connection to the cluster's database, to be closed by the caller
     * @throws SQLException when the server does not accept the connection
     */
    public Connection connect(String username, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    /** @return whether the server has been started and not been stopped or killed since */
    public boolean isRunning() {
        return running;
    }

    /** @return whether the server is currently frozen by {@link #freeze()} */
    public boolean isFrozen() {
        return frozen;
    }

    /** @return whether replay (the replication SQL thread) is paused by {@link #pauseReplay()} */
    public boolean isReplayPaused() {
        return replayPaused;
    }

    /** @return whether the server runs with {@code read_only} on (asks the server) */
    public boolean isReadOnly() {
        return Boolean.TRUE.equals(queryOne("SELECT @@read_only = 1", rs -> rs.getBoolean(1)));
    }

    /**
     * @return whether the server is configured as a replica (asks the server: {@code SHOW SLAVE STATUS} has a
     *         row); {@code false} for the primary and a promoted replica
     */
    public boolean isReplica() {
        return Boolean.TRUE.equals(queryOne("SHOW SLAVE STATUS", rs -> true));
    }

    /**
     * @return the process id of the running server
     * @throws MariaDbClusterException when the server is not running
     */
    public long pid() {
        return serverPid().orElseThrow(() -> new MariaDbClusterException(name + " is not running"));
    }

    /**
     * Starts the server again after {@link #stop()} or {@link #kill()}, on the same port, and waits until it
     * accepts connections. A replica resumes replication by itself. Does nothing if it is running.
     */
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            deletePidFile(); // a server killed before it could remove it
            List<String> command = new ArrayList<>(List.of("sh", "-c", LAUNCH, "rw-routing-mariadbd",
                    directory.resolve(OUTPUT_FILE).toString()));
            command.addAll(MariaDbSettings.command(this, MariaDbBinaries.installation(), replica, settings));
            ProcessRunner.Result launched = ProcessRunner.run(user.wrap(command), directory, timeout)
                    .orThrow("Launching " + name, MariaDbClusterException::new);
            long pid = launchedPid(launched);
            try {
                Await.until(() -> !Processes.isRunning(pid) || (serverPid().isPresent() && acceptsQueries()), timeout,
                        name + " accepts connections on port " + port);
            } catch (AssertionError e) {
                Processes.killTree(pid); // it may hang before writing its pid file, where nothing would find it
                throw new MariaDbClusterException("Could not start " + name + " on port " + port + ": "
                        + e.getMessage() + logTailForMessage(), e);
            }
            if (!Processes.isRunning(pid)) {
                throw new MariaDbClusterException("Could not start " + name + " on port " + port + ": the server"
                        + " exited" + logTailForMessage());
            }
            running = true;
            replayPaused = false; // a pause does not survive a restart
            log.debug("Started {} on port {}", name, port);
        }
    }

    /** Stops the server cleanly (SIGTERM: a normal shutdown) and waits until it has exited. */
    public void stop() {
        synchronized (lifecycle) {
            if (frozen) {
                thaw();
            }
            OptionalLong pid = serverPid();
            if (pid.isPresent()) {
                Processes.signal("TERM", List.of(pid.getAsLong()));
                awaitGone(List.of(pid.getAsLong()));
            }
            running = false;
            replayPaused = false;
        }
    }

    /**
     * Kills the server like a crash: SIGKILL. Waits until it is gone and the port refuses connections.
     * {@link #start()} then runs InnoDB crash recovery.
     */
    public void kill() {
        synchronized (lifecycle) {
            long pid = pid();
            List<Long> pids = Processes.killTree(pid);
            awaitGone(pids);
            deletePidFile();
            running = false;
            frozen = false;
            replayPaused = false;
            log.debug("Killed {} (pids {})", name, pids);
        }
    }

    /**
     * Suspends (SIGSTOP) the server. Open and new connections hang without an error, like a network partition,
     * until {@link #thaw()}.
     */
    public void freeze() {
        synchronized (lifecycle) {
            long pid = pid();
            Processes.signal("STOP", List.of(pid));
            // the signal is delivered asynchronously; a thread still running could answer one more query
            Await.until(() -> Processes.isStopped(pid), timeout, name + " (pid " + pid + ") is stopped");
            frozen = true;
        }
    }

    /** Resumes (SIGCONT) a server suspended by {@link #freeze()}. */
    public void thaw() {
        synchronized (lifecycle) {
            Processes.signal("CONT", List.of(pid()));
            frozen = false;
        }
    }

    /**
     * Promotes this replica to a primary: stops replication, forgets its primary ({@code RESET SLAVE ALL}) and
     * turns {@code read_only} off; it stays writable across restarts. Its writes continue the GTID domain's
     * sequence with its own server id ({@code 0-<serverId>-<next>}). The cluster's {@link MariaDbCluster#primary()}
     * then returns this node. Other replicas keep following the old primary.
     */
    public void promote() {
        synchronized (lifecycle) {
            execute("STOP SLAVE");
            execute("RESET SLAVE ALL");
            execute("SET GLOBAL read_only = 0");
            replica = false;
            replayPaused = false;
            Await.until(() -> !isReadOnly() && !isReplica(), timeout, name + " is writable and replicates no more");
            promotionListener.accept(this);
        }
    }

    /** Pauses replay (stops the replication SQL thread; the IO thread keeps receiving) and waits until it stopped. */
    public void pauseReplay() {
        execute("STOP SLAVE SQL_THREAD");
        Await.until(() -> "No".equals(replicaStatus("Slave_SQL_Running")), timeout, "replay is paused on " + name);
        replayPaused = true;
    }

    /** Resumes replay paused by {@link #pauseReplay()}. */
    public void resumeReplay() {
        execute("START SLAVE SQL_THREAD");
        Await.until(() -> "Yes".equals(replicaStatus("Slave_SQL_Running")), timeout, "replay is resumed on " + name);
        replayPaused = false;
    }

    /**
     * Makes this replica apply each transaction only {@code delay} after it was written on the primary
     * ({@code MASTER_DELAY}), simulating replication lag. {@link Duration#ZERO} switches it off. For lag below a
     * second, hold {@link #pauseReplay()} or a lock on the replica instead.
     *
     * @param delay the apply delay, in whole seconds (MariaDB would silently round 0.5 s down to 0)
     */
    public void setApplyDelay(Duration delay) {
        if (delay.isNegative() || delay.getNano() != 0) {
            throw new IllegalArgumentException("The apply delay must be whole seconds, not negative: " + delay);
        }
        execute("STOP SLAVE"); // CHANGE MASTER needs both threads stopped
        execute("CHANGE MASTER TO MASTER_DELAY = " + delay.toSeconds());
        execute(replayPaused ? "START SLAVE IO_THREAD" : "START SLAVE");
        Await.until(() -> Long.toString(delay.toSeconds()).equals(replicaStatus("SQL_Delay"))
                && "Yes".equals(replicaStatus("Slave_IO_Running")), timeout,
                "MASTER_DELAY is " + delay.toSeconds() + " s on " + name);
    }

    /**
     * @return {@code @@gtid_binlog_pos}: the GTID of the last transaction in this server's binary log for each
     *         domain, e.g. {@code 0-1-7}; on the primary the position of its last write, on a replica (which logs
     *         what it replays) of the last replayed one; empty before the first transaction
     */
    public String gtidPosition() {
        return queryOne("SELECT @@gtid_binlog_pos", rs -> rs.getString(1));
    }

    /** @return {@code @@gtid_slave_pos}: the GTID of the last transaction replicated to this server per domain */
    public String replayedGtidPosition() {
        return queryOne("SELECT @@gtid_slave_pos", rs -> rs.getString(1));
    }

    /**
     * Waits until this server has applied every transaction up to {@code gtidPosition} (in each of its domains),
     * typically a {@link #gtidPosition()} of the primary or an {@code @@last_gtid} taken after a write. Once it
     * returns, the transactions are visible to new reads on this server. A replica waits with
     * {@code MASTER_GTID_WAIT} (which compares with {@code gtid_slave_pos}); the primary and a promoted replica,
     * for which {@code MASTER_GTID_WAIT} does not count their own writes, compare {@code gtid_binlog_pos}.
     *
     * @param gtidPosition a GTID position such as {@code 0-1-7} or {@code 0-1-7,1-1-3}
     * @param timeout      how long to wait
     * @throws AssertionError when the position is not reached in time; the message has the last position seen
     */
    public void awaitReplay(String gtidPosition, Duration timeout) {
        GtidPosition target = GtidPosition.parse(gtidPosition);
        if (target.isEmpty()) {
            return; // nothing written yet
        }
        AtomicReference<String> lastSeen = new AtomicReference<>("unknown");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Await.until(() -> {
                if (replica) {
                    Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    double seconds = Math.min(remaining.toNanos(), LONGEST_SINGLE_WAIT.toNanos()) / 1e9;
                    return queryOne("SELECT MASTER_GTID_WAIT(?, ?), @@gtid_slave_pos", rs -> {
                        lastSeen.set(rs.getString(2));
                        return rs.getInt(1) == 0;
                    }, target.toString(), seconds);
                }
                String position = gtidPosition();
                lastSeen.set(position);
                return GtidPosition.parse(position).includes(target);
            }, timeout, name + " replays up to " + gtidPosition);
        } catch (AssertionError e) {
            AssertionError error = new AssertionError(name + " did not replay up to GTID position " + gtidPosition
                    + " within " + timeout.toMillis() + " ms; last position: " + lastSeen.get()
                    + (replayPaused ? " (replay is paused)" : ""));
            error.initCause(e.getCause());
            throw error;
        }
    }

    @Override
    public String toString() {
        return name + "@" + HOST + ":" + port;
    }

    // ---- used by MariaDbCluster to build and tear down the cluster ----

    boolean isConfiguredAsReplica() {
        return replica;
    }

    /** Makes this node's data directory a copy of the bootstrapped one, owned by the server user. */
    void createDataDirectory(Path bootstrapped) {
        try {
            Files.createDirectories(directory);
            FileTree.copy(bootstrapped, dataDirectory(), Set.of(MachineCache.COMPLETE_MARKER));
        } catch (IOException e) {
            throw new MariaDbClusterException("Could not copy " + bootstrapped + " to " + dataDirectory(), e);
        }
        user.handOver(directory);
    }

    /** Stops the server as fast as possible, whatever its state; for closing the cluster (the data is thrown away). */
    void shutdownNow() {
        synchronized (lifecycle) {
            if (serverPid().isPresent()) {
                kill();
            }
            running = false;
        }
    }

    void execute(String sql, Object... parameters) {
        queryOne(sql, rs -> null, parameters);
    }

    /** Runs a statement as root without a default database (present on every server, unlike the app database). */
    <T> T queryOne(String sql, Jdbc.RowMapper<T> mapper, Object... parameters) {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("connectTimeout", "10000");
        // bounded, so that a query to a frozen server fails instead of hanging forever
        properties.setProperty("socketTimeout", Long.toString(Math.max(30_000, timeout.toMillis())));
        try {
            return Jdbc.queryOne(jdbcUrl(""), properties, sql, mapper, parameters);
        } catch (SQLException e) {
            throw new MariaDbClusterException("Query on " + name + " failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    String logTailForMessage() {
        return "\n--- last lines of " + logFile() + " ---\n" + tail(logFile()) + tailOfOutput();
    }

    private String tailOfOutput() {
        String output = tail(directory.resolve(OUTPUT_FILE));
        return output.isBlank() ? "" : "\n--- output of mariadbd ---\n" + output;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    private String replicaStatus(String column) {
        return queryOne("SHOW SLAVE STATUS", rs -> rs.getString(column));
    }

    private long launchedPid(ProcessRunner.Result launched) {
        String[] lines = launched.output().strip().split("\\R");
        try {
            return Long.parseLong(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            throw new MariaDbClusterException("Launching " + name + " printed no pid: " + launched.output()
                    + logTailForMessage(), e);
        }
    }

    private boolean acceptsQueries() {
        try {
            return queryOne("SELECT 1", rs -> rs.getInt(1)) == 1;
        } catch (MariaDbClusterException e) {
            return false;
        }
    }

    private OptionalLong serverPid() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve(PID_FILE), StandardCharsets.UTF_8);
            if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                return OptionalLong.of(Long.parseLong(lines.get(0).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            // no (complete) pid file: not running
        }
        return OptionalLong.empty();
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(directory.resolve(PID_FILE));
        } catch (IOException e) {
            throw new MariaDbClusterException("Could not delete " + directory.resolve(PID_FILE), e);
        }
    }

    private void awaitGone(List<Long> pids) {
        Await.until(() -> pids.stream().noneMatch(Processes::isRunning) && !Ports.accepting(port), timeout,
                name + "'s processes " + pids + " are gone and port " + port + " is closed");
    }
}
