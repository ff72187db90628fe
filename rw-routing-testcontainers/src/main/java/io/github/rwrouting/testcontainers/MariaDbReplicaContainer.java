package io.github.rwrouting.testcontainers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.github.rwrouting.topology.GtidPosition;
import org.testcontainers.utility.DockerImageName;

/**
 * A GTID replica of a {@link MariaDbPrimaryContainer}, in a container on the primary's network:
 * {@code read_only}, with the next free {@code server_id}, replicating from the start of the primary's
 * binary log ({@code CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos}, set up by the image on first start,
 * so after the primary). Every node creates the database and users itself, outside the binary log: the
 * replica shares the primary's database, user and password. Mark it
 * {@link ReaderServiceConnection @ReaderServiceConnection} to make it one of the application's readers.
 * <p>
 * Replication lag is made real by {@link #pauseReplay()} (the SQL thread stops, the I/O thread keeps
 * receiving) or {@link #setApplyDelay(Duration)} ({@code MASTER_DELAY}), failover by {@link #promote()}
 * with the primary {@link #stopServer() stopped}, {@link #kill() killed} or {@link #freeze() frozen}.
 *
 * @author rw-routing
 */
public final class MariaDbReplicaContainer extends ReplicatedMariaDbContainer {

	private final MariaDbPrimaryContainer primary;

	/**
	 * A replica of {@code primary} running the primary's image.
	 * @param primary the primary to follow
	 * @param nodeName the node name, such as {@code replica1}: host name on the network and
	 * {@code report_host}
	 */
	public MariaDbReplicaContainer(MariaDbPrimaryContainer primary, String nodeName) {
		this(primary, nodeName, primary.image());
	}

	/**
	 * A replica of {@code primary} running the given image, which must set up replication when
	 * {@code MARIADB_MASTER_HOST} is set, as {@link MariaDbImages#mariadb()} does.
	 * @param primary the primary to follow
	 * @param nodeName the node name
	 * @param image the image
	 */
	public MariaDbReplicaContainer(MariaDbPrimaryContainer primary, String nodeName, DockerImageName image) {
		super(image, checkedName(nodeName), primary.nextServerId());
		this.primary = primary;
		withNetwork(primary.getNetwork());
		dependsOn(primary);
	}

	private static String checkedName(String nodeName) {
		if (MariaDbPrimaryContainer.NODE_NAME.equals(nodeName)) {
			throw new IllegalArgumentException("A replica cannot be named '" + nodeName + "', the primary's name");
		}
		return nodeName;
	}

	/**
	 * The primary this replica follows.
	 * @return the primary
	 */
	public MariaDbPrimaryContainer primary() {
		return this.primary;
	}

	@Override
	protected void configure() {
		// Same database and login as the primary, whatever was set on it after this replica was created.
		withDatabaseName(this.primary.getDatabaseName());
		withUsername(this.primary.getUsername());
		withPassword(this.primary.getPassword());
		super.configure();
		addEnv("MARIADB_MASTER_HOST", MariaDbPrimaryContainer.NODE_NAME);
		addEnv("MARIADB_MASTER_PORT", Integer.toString(PORT));
	}

	@Override
	List<String> serverCommand() {
		List<String> command = super.serverCommand();
		command.add("--read-only=1");
		return command;
	}

	@Override
	protected void containerIsStarted(InspectContainerResponse containerInfo) {
		super.containerIsStarted(containerInfo);
		// Started means replicating: both replication threads run (the I/O thread connected to the primary).
		Await.until(() -> "Yes".equals(replicaStatus("Slave_IO_Running"))
				&& "Yes".equals(replicaStatus("Slave_SQL_Running")), DEFAULT_TIMEOUT,
				nodeName() + " replicates from " + MariaDbPrimaryContainer.NODE_NAME);
	}

	/**
	 * Pauses replay ({@code STOP SLAVE SQL_THREAD}; the I/O thread keeps receiving) and waits until it
	 * has stopped: from then on the replica serves an unchanging snapshot while the primary moves on.
	 */
	public void pauseReplay() {
		execute("STOP SLAVE SQL_THREAD");
		Await.until(() -> "No".equals(replicaStatus("Slave_SQL_Running")), DEFAULT_TIMEOUT,
				"replay is paused on " + nodeName());
	}

	/**
	 * Resumes replay paused by {@link #pauseReplay()}.
	 */
	public void resumeReplay() {
		execute("START SLAVE SQL_THREAD");
		Await.until(() -> "Yes".equals(replicaStatus("Slave_SQL_Running")), DEFAULT_TIMEOUT,
				"replay is resumed on " + nodeName());
	}

	/**
	 * Whether replay is paused: the replication SQL thread does not run.
	 * @return whether replay is paused
	 */
	public boolean isReplayPaused() {
		return !"Yes".equals(replicaStatus("Slave_SQL_Running"));
	}

	/**
	 * Makes the replica apply each transaction only {@code delay} after it was written on the primary
	 * ({@code MASTER_DELAY}); {@link Duration#ZERO} switches it off. For lag below a second, use
	 * {@link #pauseReplay()}.
	 * @param delay the apply delay, in whole seconds (MariaDB would round 0.5 s down to 0)
	 */
	public void setApplyDelay(Duration delay) {
		if (delay.isNegative() || delay.getNano() != 0) {
			throw new IllegalArgumentException("The apply delay must be whole seconds, not negative: " + delay);
		}
		boolean replayPaused = isReplayPaused();
		execute("STOP SLAVE"); // CHANGE MASTER needs both threads stopped
		execute("CHANGE MASTER TO MASTER_DELAY = " + delay.toSeconds());
		execute(replayPaused ? "START SLAVE IO_THREAD" : "START SLAVE");
		Await.until(() -> Long.toString(delay.toSeconds()).equals(replicaStatus("SQL_Delay"))
				&& "Yes".equals(replicaStatus("Slave_IO_Running")), DEFAULT_TIMEOUT,
				"MASTER_DELAY is " + delay.toSeconds() + " s on " + nodeName());
	}

	/**
	 * How many transactions this replica is behind the primary's current GTID position (summed over the
	 * domains).
	 * @return the transactions behind, 0 when caught up
	 */
	public long replayLagTransactions() {
		GtidPosition primaryPosition = GtidPosition.parse(this.primary.gtidPosition());
		if (primaryPosition == null) {
			return 0;
		}
		GtidPosition replayed = GtidPosition.parse(gtidPosition());
		return Math.max(0, primaryPosition.sequenceSum() - ((replayed != null) ? replayed.sequenceSum() : 0));
	}

	/**
	 * Waits until this replica has applied everything the primary has written so far.
	 * @param timeout how long to wait
	 */
	public void awaitCaughtUp(Duration timeout) {
		awaitGtid(this.primary.gtidPosition(), timeout);
	}

	/**
	 * Promotes this replica to a primary: stops replication, forgets its primary ({@code RESET SLAVE ALL})
	 * and turns {@code read_only} off until the container restarts (the server's command line has
	 * {@code --read-only}). Its writes continue each GTID domain's sequence under its own server id. Other
	 * replicas keep following the old primary.
	 */
	public void promote() {
		execute("STOP SLAVE");
		execute("RESET SLAVE ALL");
		execute("SET GLOBAL read_only = 0");
		Await.until(() -> !isReadOnly() && replicaStatus("Slave_IO_Running") == null, DEFAULT_TIMEOUT,
				nodeName() + " is writable and replicates no more");
	}

	/**
	 * A column of {@code SHOW SLAVE STATUS}, or {@code null} when the server replicates from no primary.
	 */
	String replicaStatus(String column) {
		try (Connection connection = connectAsRoot();
				PreparedStatement statement = connection.prepareStatement("SHOW SLAVE STATUS");
				ResultSet result = statement.executeQuery()) {
			return result.next() ? result.getString(column) : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(nodeName() + ": SHOW SLAVE STATUS failed: " + ex.getMessage(), ex);
		}
	}

}
