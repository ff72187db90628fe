package io.github.rwrouting.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server of a {@link PostgresCluster}: the primary or a streaming hot standby, listening on
 * {@code 127.0.0.1} on its own port. Every operation that changes the server's state waits, with a deadline,
 * until the change has taken effect.
 *
 * <p>Lifecycle operations ({@link #start()}, {@link #stop()}, {@link #kill()}, {@link #freeze()},
 * {@link #thaw()}, {@link #promote()}) are serialised per node, so tests may call them while other threads run
 * load against the cluster.
 */
public final class PostgresNode {

    /** The address every server listens on. */
    public static final String HOST = "127.0.0.1";

    static final String SUPERUSER = "postgres";
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final Logger log = LoggerFactory.getLogger(PostgresNode.class);

    private final String name;
    private final int port;
    private final DataDirectory data;
    private final String database;
    private final Duration timeout;
    private final Consumer<PostgresNode> promotionListener;
    private final Object lifecycle = new Object();

    private volatile boolean running;
    private volatile boolean frozen;
    private volatile boolean replayPaused;

    PostgresNode(String name, int port, Path dataDirectory, String database, ServerUser user, Duration timeout,
            Consumer<PostgresNode> promotionListener) {
        this.name = name;
        this.port = port;
        this.data = new DataDirectory(dataDirectory, user, timeout);
        this.database = database;
        this.timeout = timeout;
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

    /** @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>} for the cluster's database */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /**
     * @param databaseName a database on this server, e.g. {@code postgres}
     * @return the JDBC URL of that database on this server
     */
    public String jdbcUrl(String databaseName) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + databaseName;
    }

    /** @return the server's data directory (deleted when the cluster is closed) */
    public Path dataDirectory() {
        return data.path();
    }

    /** @return the server's log file */
    public Path logFile() {
        return data.logFile();
    }

    /**
     * Opens a new connection to the cluster's database as the superuser {@code postgres}.
     *
     * @return a new connection, to be closed by the caller
     * @throws SQLException when the server does not accept the connection
     */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
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

    /** @return whether WAL replay is paused by {@link #pauseReplay()} */
    public boolean isReplayPaused() {
        return replayPaused;
    }

    /** @return {@code true} for a standby, {@code false} for a primary (asks the server) */
    public boolean isInRecovery() {
        return queryOne("SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1));
    }

    /**
     * @return the process id of the running server's postmaster
     * @throws PostgresClusterException when the server is not running
     */
    public long pid() {
        return data.postmasterPid().orElseThrow(() -> new PostgresClusterException(name + " is not running"));
    }

    /**
     * Starts the server again after {@link #stop()} or {@link #kill()}, on the same port, and waits until it
     * accepts connections. Does nothing if it is running.
     */
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            ProcessRunner.Result result = data.pgCtl("start", "-l", logFile().toString());
            if (!result.succeeded()) {
                throw new PostgresClusterException("Could not start " + name + " on port " + port + ": "
                        + result.output().strip() + logTailForMessage());
            }
            running = true;
            replayPaused = false; // a pause does not survive a restart
            log.debug("Started {} on port {}", name, port);
        }
    }

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}) and waits until it has exited. */
    public void stop() {
        synchronized (lifecycle) {
            if (frozen) {
                thaw();
            }
            data.pgCtl("stop", "-m", "fast").orThrow("Stopping " + name, PostgresClusterException::new);
            running = false;
            replayPaused = false;
        }
    }

    /**
     * Kills the server like a crash: SIGKILL to the postmaster and all its processes. Waits until they are gone
     * and the port refuses connections. {@link #start()} then runs crash recovery.
     */
    public void kill() {
        synchronized (lifecycle) {
            long pid = pid();
            List<Long> pids = Processes.killTree(pid);
            awaitGone(pids);
            // A zombie postmaster that PID 1 does not reap would make the next start believe it is still running.
            data.deletePidFile();
            running = false;
            frozen = false;
            replayPaused = false;
            log.debug("Killed {} (pids {})", name, pids);
        }
    }

    /**
     * Suspends (SIGSTOP) the postmaster and all its processes. Open and new connections hang without an error,
     * like a network partition, until {@link #thaw()}.
     */
    public void freeze() {
        synchronized (lifecycle) {
            long pid = pid();
            Processes.signal("STOP", List.of(pid)); // first, so that it cannot fork a backend we would miss
            Processes.signal("STOP", Processes.withDescendants(pid));
            frozen = true;
        }
    }

    /** Resumes (SIGCONT) a server suspended by {@link #freeze()}. */
    public void thaw() {
        synchronized (lifecycle) {
            long pid = pid();
            List<Long> pids = Processes.withDescendants(pid);
            Processes.signal("CONT", pids.subList(1, pids.size()));
            Processes.signal("CONT", List.of(pid));
            frozen = false;
        }
    }

    /**
     * Promotes this standby to a primary and waits until it accepts writes. The cluster's
     * {@link PostgresCluster#primary()} then returns this node. Other standbys keep following the old primary.
     */
    public void promote() {
        synchronized (lifecycle) {
            Boolean promoted = queryOne("SELECT pg_promote(true, " + Math.max(1, timeout.toSeconds()) + ")",
                    rs -> rs.getBoolean(1));
            if (!Boolean.TRUE.equals(promoted)) {
                throw new PostgresClusterException(name + " was not promoted within " + timeout + logTailForMessage());
            }
            Await.until(() -> !isInRecovery(), timeout, name + " leaves recovery");
            replayPaused = false;
            promotionListener.accept(this);
        }
    }

    /** Pauses WAL replay on this standby and waits until replay has actually stopped. */
    public void pauseReplay() {
        execute("SELECT pg_wal_replay_pause()");
        Await.until(() -> "paused".equals(queryOne("SELECT pg_get_wal_replay_pause_state()", rs -> rs.getString(1))),
                timeout, "replay is paused on " + name);
        replayPaused = true;
    }

    /** Resumes WAL replay paused by {@link #pauseReplay()}. */
    public void resumeReplay() {
        execute("SELECT pg_wal_replay_resume()");
        Await.until(
                () -> "not paused".equals(queryOne("SELECT pg_get_wal_replay_pause_state()", rs -> rs.getString(1))),
                timeout, "replay is resumed on " + name);
        replayPaused = false;
    }

    /**
     * Makes this standby apply each commit only {@code delay} after it happened on the primary
     * ({@code recovery_min_apply_delay}), simulating replication lag. {@link Duration#ZERO} switches it off.
     *
     * @param delay the apply delay, in whole milliseconds
     */
    public void setApplyDelay(Duration delay) {
        long millis = delay.toMillis();
        if (millis < 0) {
            throw new IllegalArgumentException("Negative apply delay: " + delay);
        }
        execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'");
        execute("SELECT pg_reload_conf()");
        Await.until(() -> Long.toString(millis).equals(queryOne(
                "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'", rs -> rs.getString(1))),
                timeout, "recovery_min_apply_delay is " + millis + "ms on " + name);
    }

    /** @return the primary's current WAL write position ({@code pg_current_wal_lsn()}), e.g. {@code 0/3000148} */
    public String currentLsn() {
        return queryOne("SELECT pg_current_wal_lsn()::text", rs -> rs.getString(1));
    }

    /**
     * @return the last WAL position replayed by this standby ({@code pg_last_wal_replay_lsn()}), or {@code null}
     *         on a server that never was a standby
     */
    public String replayLsn() {
        return queryOne("SELECT pg_last_wal_replay_lsn()::text", rs -> rs.getString(1));
    }

    /**
     * Waits until this server has replayed WAL up to at least {@code lsn}, typically a
     * {@link #currentLsn()} of the primary taken after a write. On a primary it compares with its own current
     * position.
     *
     * @param lsn     a WAL position such as {@code 0/3000148}
     * @param timeout how long to wait
     * @throws AssertionError when the position is not reached in time; the message has the last replayed position
     */
    public void awaitReplay(String lsn, Duration timeout) {
        AtomicReference<String> lastSeen = new AtomicReference<>("unknown");
        try {
            Await.until(() -> queryOne("SELECT position::text, pg_wal_lsn_diff(position, ?::pg_lsn) >= 0 FROM"
                    + " (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
                    + " ELSE pg_current_wal_lsn() END AS position) AS p", rs -> {
                        lastSeen.set(rs.getString(1));
                        return rs.getBoolean(2);
                    }, lsn), timeout, name + " replays up to " + lsn);
        } catch (AssertionError e) {
            AssertionError error = new AssertionError(name + " did not replay up to LSN " + lsn + " within "
                    + timeout.toMillis() + " ms; last replayed LSN: " + lastSeen.get()
                    + (replayPaused ? " (replay is paused)" : ""));
            error.initCause(e.getCause());
            throw error;
        }
    }

    @Override
    public String toString() {
        return name + "@" + HOST + ":" + port;
    }

    // ---- used by PostgresCluster to build and tear down the cluster ----

    void initdb() {
        data.initdb(SUPERUSER);
    }

    /** Makes this node's data directory a copy of {@code source}'s, whose server must have been stopped cleanly. */
    void copyDataFrom(PostgresNode source, List<String> excluded) {
        data.copyFrom(source.data, excluded);
    }

    void appendToFile(String file, String text) {
        data.append(file, text);
    }

    void writeFile(String file, String text) {
        data.write(file, text);
    }

    void writeNodeSettings(Map<String, String> settings) {
        data.write(ServerSettings.NODE_FILE, ServerSettings.render(settings));
    }

    /** Stops the server as fast as possible, whatever its state; for closing the cluster. */
    void shutdownNow() {
        synchronized (lifecycle) {
            if (data.postmasterPid().isEmpty()) {
                running = false;
                return;
            }
            try {
                if (frozen) {
                    thaw();
                }
                if (data.pgCtl("stop", "-m", "immediate").succeeded()) {
                    running = false;
                    return;
                }
            } catch (RuntimeException e) {
                log.debug("Immediate stop of {} failed, killing it", name, e);
            }
            if (data.postmasterPid().isPresent()) {
                kill();
            }
            running = false;
        }
    }

    void execute(String sql, Object... parameters) {
        queryOne(sql, rs -> null, parameters);
    }

    /** Runs a statement on the maintenance database (present on every server, unlike the app database at first). */
    <T> T queryOne(String sql, Jdbc.RowMapper<T> mapper, Object... parameters) {
        try {
            return Jdbc.queryOne(jdbcUrl(MAINTENANCE_DATABASE), SUPERUSER, timeout, sql, mapper, parameters);
        } catch (SQLException e) {
            throw new PostgresClusterException("Query on " + name + " failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    String logTailForMessage() {
        return "\n--- last lines of " + logFile() + " ---\n" + data.logTail();
    }

    private void awaitGone(List<Long> pids) {
        Await.until(() -> pids.stream().noneMatch(Processes::isRunning) && !Ports.accepting(port), timeout,
                name + "'s processes " + pids + " are gone and port " + port + " is closed");
    }
}
