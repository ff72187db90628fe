package io.github.rwrouting.testcontainers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL node of a replicated cluster in a container: the {@link PostgresPrimaryContainer} or a
 * {@link PostgresReplicaContainer}, on the primary's network under its {@link #nodeName() node name},
 * which is also its {@code cluster_name} ({@code select current_setting('cluster_name')} tells which node
 * a connection reached).
 * <p>
 * Besides what Testcontainers offers, a node can be stopped and started again ({@code docker stop} and
 * {@code docker start}, keeping its data), killed ({@code SIGKILL}; {@link #startServer()} then runs crash
 * recovery), and frozen ({@code docker pause}, every process stopped with its connections open). Its
 * host port is picked once, free, at the first start and kept, so that connection details handed to
 * the application stay valid across {@link #stopServer()} and {@link #startServer()}.
 *
 * @author rw-routing
 */
public abstract sealed class ReplicatedPostgresContainer extends PostgreSQLContainer
		permits PostgresPrimaryContainer, PostgresReplicaContainer {

	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	private final String nodeName;

	private int hostPort;

	ReplicatedPostgresContainer(DockerImageName image, String nodeName) {
		super(image);
		this.nodeName = nodeName;
		withNetworkAliases(nodeName);
	}

	/**
	 * The node's name: {@code primary}, {@code replica1}, ...; also its host name on the network and,
	 * for a replica, its {@code application_name} on the primary.
	 * @return the node name
	 */
	public String nodeName() {
		return this.nodeName;
	}

	@Override
	protected void configure() {
		super.configure();
		// cluster_name names the node in SQL (current_setting('cluster_name')) and in its process titles.
		List<String> command = new ArrayList<>(Arrays.asList(getCommandParts()));
		if (command.stream().noneMatch((part) -> part.startsWith("cluster_name="))) {
			command.addAll(List.of("-c", "cluster_name=" + this.nodeName));
			setCommand(command.toArray(new String[0]));
		}
		if (this.hostPort == 0) {
			this.hostPort = DockerControl.freePort();
			addFixedExposedPort(this.hostPort, POSTGRESQL_PORT);
		}
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
	 * Stops the server ({@code docker stop}: a fast shutdown), keeping the container and its data.
	 */
	public void stopServer() {
		DockerControl.stop(this);
	}

	/**
	 * Kills the server ({@code docker kill}, {@code SIGKILL} to every process), keeping the container and
	 * its data.
	 */
	public void kill() {
		DockerControl.kill(this);
	}

	/**
	 * Starts a server stopped by {@link #stopServer()} or {@link #kill()} again, on the same host port,
	 * and waits until it accepts connections.
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
	 * Whether the server is in recovery: a standby.
	 * @return whether it is a standby
	 */
	public boolean isInRecovery() {
		return queryOne("SELECT pg_is_in_recovery()::text").equals("true");
	}

	/**
	 * The server's WAL position: the current write position on a primary, the last replayed one on a
	 * standby.
	 * @return a WAL position such as {@code 0/3000148}
	 */
	public String lsn() {
		return queryOne("SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
				+ " ELSE pg_current_wal_lsn() END)::text");
	}

	/**
	 * Waits until this node has replayed (or, as a primary, written) WAL up to at least {@code lsn}.
	 * @param lsn a WAL position, typically the primary's {@link #lsn()} after a write
	 * @param timeout how long to wait
	 * @throws AssertionError when the position is not reached in time
	 */
	public void awaitLsn(String lsn, Duration timeout) {
		AtomicReference<String> lastSeen = new AtomicReference<>("unknown");
		try {
			Await.until(() -> {
				lastSeen.set(lsn());
				return queryOne("SELECT (pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn) >= 0)::text", lastSeen.get(), lsn)
					.equals("true");
			}, timeout, this.nodeName + " reaches " + lsn);
		}
		catch (AssertionError ex) {
			throw new AssertionError(this.nodeName + " did not reach LSN " + lsn + " within " + timeout.toMillis()
					+ " ms; last seen: " + lastSeen.get(), ex.getCause());
		}
	}

	/**
	 * Runs one statement.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.execute();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.nodeName + ": " + sql + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The first column of the first row of a query, as text.
	 */
	String queryOne(String sql, String... arguments) {
		try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
			if (arguments != null) {
				for (int i = 0; i < arguments.length; i++) {
					statement.setString(i + 1, arguments[i]);
				}
			}
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					throw new IllegalStateException(this.nodeName + ": no row from " + sql);
				}
				return result.getString(1);
			}
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
