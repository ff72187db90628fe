package io.github.rwrouting.testcontainers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import io.github.rwrouting.topology.GtidPosition;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A MariaDB node of a GTID-replicated cluster in a container: the {@link MariaDbPrimaryContainer} or a
 * {@link MariaDbReplicaContainer}, on the primary's network under its {@link #nodeName() node name},
 * which is also its {@code report_host} ({@code select @@report_host} tells which node a connection
 * reached). Every node runs with its own {@code server_id}, a binary log in row format,
 * {@code gtid_strict_mode} and {@code log_slave_updates}; replicas with {@code read_only}.
 * <p>
 * The container's user ({@code test} unless set on the primary) has {@code ALL} on the container's
 * database only, so a read-only replica refuses its writes; {@link #execute(String)} and
 * {@link #connectAsRoot()} act as {@code root} (same password). As with the PostgreSQL nodes, a node
 * can be stopped and started again, killed and frozen, and keeps its host port, picked free at the
 * first start.
 *
 * @author rw-routing
 */
public abstract sealed class ReplicatedMariaDbContainer extends MariaDBContainer
		permits MariaDbPrimaryContainer, MariaDbReplicaContainer {

	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * The server's port in the container (MariaDBContainer keeps its constant package-private).
	 */
	static final int PORT = 3306;

	/**
	 * The replication user the image creates on every node: replicas connect to the primary as it.
	 */
	static final String REPLICATION_USER = "replication";

	static final String REPLICATION_PASSWORD = "replication-password";

	private static final String ROOT = "root";

	private final String nodeName;

	private final int serverId;

	private int hostPort;

	ReplicatedMariaDbContainer(DockerImageName image, String nodeName, int serverId) {
		super(image);
		this.nodeName = nodeName;
		this.serverId = serverId;
		withNetworkAliases(nodeName);
		// As the official image: "ready for connections" once from the temporary server of the first start,
		// once from the real one.
		waitingFor(Wait.forLogMessage(".*ready for connections.*\\s", 2).withStartupTimeout(DEFAULT_TIMEOUT));
	}

	/**
	 * The node's name: {@code primary}, {@code replica1}, ...; also its host name on the network and its
	 * {@code report_host}.
	 * @return the node name
	 */
	public String nodeName() {
		return this.nodeName;
	}

	/**
	 * The node's {@code server_id}: 1 for the primary, 2, 3, ... for its replicas in the order they
	 * were created. A GTID written on this node carries it ({@code 0-1-7}).
	 * @return the server id
	 */
	public int serverId() {
		return this.serverId;
	}

	@Override
	protected void configure() {
		super.configure();
		addEnv("MARIADB_REPLICATION_USER", REPLICATION_USER);
		addEnv("MARIADB_REPLICATION_PASSWORD", REPLICATION_PASSWORD);
		setCommand(serverCommand().toArray(new String[0]));
		if (this.hostPort == 0) {
			this.hostPort = DockerControl.freePort();
			addFixedExposedPort(this.hostPort, PORT);
		}
	}

	/**
	 * Waits for the log line rather than polling JDBC as MariaDBContainer does: its connection attempts are
	 * rate-limited to about one a second, which made each start take seconds longer than the server.
	 */
	@Override
	protected void waitUntilContainerStarted() {
		getWaitStrategy().waitUntilReady(this);
	}

	/**
	 * The server and its options; on the command line, so they win over configuration files.
	 */
	List<String> serverCommand() {
		List<String> command = new ArrayList<>(List.of("mariadbd", "--server-id=" + this.serverId,
				"--report-host=" + this.nodeName,
				// binary and relay logs named after the node, not after the container's host name
				"--log-basename=" + this.nodeName, "--log-bin", "--binlog-format=ROW", "--gtid-strict-mode=1",
				"--log-slave-updates=1"));
		return command;
	}

	/**
	 * A new connection to this node's database as the container's user.
	 * @return the connection
	 * @throws SQLException when it cannot connect
	 */
	public Connection connect() throws SQLException {
		try {
			return createConnection("");
		}
		catch (NoDriverFoundException ex) {
			throw new SQLException(ex);
		}
	}

	/**
	 * A new connection to this node's database as {@code root}, which may write on a read-only replica
	 * and control replication.
	 * @return the connection
	 * @throws SQLException when it cannot connect
	 */
	public Connection connectAsRoot() throws SQLException {
		Properties info = new Properties();
		info.put("user", ROOT);
		info.put("password", getPassword());
		try {
			return getJdbcDriverInstance().connect(getJdbcUrl(), info);
		}
		catch (NoDriverFoundException ex) {
			throw new SQLException(ex);
		}
	}

	/**
	 * Stops the server ({@code docker stop}: a clean shutdown), keeping the container and its data.
	 */
	public void stopServer() {
		DockerControl.stop(this);
	}

	/**
	 * Kills the server ({@code docker kill}, {@code SIGKILL}), keeping the container and its data.
	 */
	public void kill() {
		DockerControl.kill(this);
	}

	/**
	 * Starts a server stopped by {@link #stopServer()} or {@link #kill()} again, on the same host port,
	 * and waits until it accepts connections. A replica then replicates again, even if its replay was
	 * paused.
	 */
	public void startServer() {
		DockerControl.start(this, this::connect, DEFAULT_TIMEOUT, this.nodeName);
	}

	/**
	 * Freezes every process of the container ({@code docker pause}): connections stay open and get no
	 * answer, as with a node that hangs.
	 */
	public void freeze() {
		DockerControl.freeze(this);
	}

	/**
	 * Thaws a container frozen by {@link #freeze()}.
	 */
	public void thaw() {
		DockerControl.thaw(this);
	}

	/**
	 * Whether the server is read-only ({@code @@read_only}): a replica.
	 * @return whether it is read-only
	 */
	public boolean isReadOnly() {
		return "1".equals(queryOne("SELECT @@read_only"));
	}

	/**
	 * The server's GTID position, {@code @@gtid_binlog_pos}: on the primary its last write per domain, on
	 * a replica (which logs what it replays) the last replayed one; empty before the first transaction.
	 * @return a GTID position such as {@code 0-1-7}
	 */
	public String gtidPosition() {
		return queryOne("SELECT @@gtid_binlog_pos");
	}

	/**
	 * Waits until this node has applied (or, as the primary, written) every transaction up to
	 * {@code position} in each of its domains.
	 * @param position a GTID position, typically the primary's {@link #gtidPosition()} after a write
	 * @param timeout how long to wait
	 * @throws AssertionError when the position is not reached in time
	 */
	public void awaitGtid(String position, Duration timeout) {
		GtidPosition target = GtidPosition.parse(position);
		if (target == null) {
			return; // nothing written yet
		}
		AtomicReference<String> lastSeen = new AtomicReference<>("unknown");
		try {
			Await.until(() -> {
				lastSeen.set(gtidPosition());
				GtidPosition reached = GtidPosition.parse(lastSeen.get());
				return reached != null && reached.includes(target);
			}, timeout, this.nodeName + " reaches " + position);
		}
		catch (AssertionError ex) {
			throw new AssertionError(this.nodeName + " did not reach GTID position " + position + " within "
					+ timeout.toMillis() + " ms; last seen: " + lastSeen.get(), ex.getCause());
		}
	}

	/**
	 * Runs one statement as {@code root}.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		try (Connection connection = connectAsRoot(); PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.execute();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.nodeName + ": " + sql + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The first column of the first row of a query run as {@code root}, as text.
	 */
	String queryOne(String sql) {
		try (Connection connection = connectAsRoot(); PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet result = statement.executeQuery()) {
			if (!result.next()) {
				throw new IllegalStateException(this.nodeName + ": no row from " + sql);
			}
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.nodeName + ": " + sql + " failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.nodeName + "]";
	}

}
