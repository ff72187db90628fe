package io.github.rwrouting.testcontainers;

import java.time.Duration;

import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A streaming hot standby of a {@link PostgresPrimaryContainer}, in a container on the primary's network:
 * cloned from the primary with {@code pg_basebackup} when it first starts (so after the primary), then
 * following it by streaming replication with {@code application_name} set to its node name. It shares the
 * primary's database, user and password. Mark it {@link ReaderServiceConnection @ReaderServiceConnection}
 * to make it one of the application's readers.
 * <p>
 * Replication lag is made real by {@link #pauseReplay()} or {@link #setApplyDelay(Duration)}, failover by
 * {@link #promote()} with the primary {@link #stopServer() stopped}, {@link #kill() killed} or
 * {@link #freeze() frozen}.
 *
 * @author rw-routing
 */
public final class PostgresReplicaContainer extends ReplicatedPostgresContainer {

	private final PostgresPrimaryContainer primary;

	/**
	 * A replica of {@code primary} running the primary's image.
	 * @param primary the primary to follow
	 * @param nodeName the node name, such as {@code replica1}: host name on the network and
	 * {@code application_name}
	 */
	public PostgresReplicaContainer(PostgresPrimaryContainer primary, String nodeName) {
		this(primary, nodeName, primary.image());
	}

	/**
	 * A replica of {@code primary} running the given image, which must clone a standby when
	 * {@code POSTGRES_PRIMARY_HOST} is set, as {@link PostgresImages#postgres()} does.
	 * @param primary the primary to follow
	 * @param nodeName the node name
	 * @param image the image
	 */
	public PostgresReplicaContainer(PostgresPrimaryContainer primary, String nodeName, DockerImageName image) {
		super(image, nodeName);
		if (PostgresPrimaryContainer.NODE_NAME.equals(nodeName)) {
			throw new IllegalArgumentException("A replica cannot be named '" + nodeName + "', the primary's name");
		}
		this.primary = primary;
		withNetwork(primary.getNetwork());
		dependsOn(primary);
		// A standby says "ready to accept read-only connections", once: no temporary server on first start.
		waitingFor(Wait.forLogMessage(".*database system is ready to accept read-only connections.*\\s", 1)
			.withStartupTimeout(DEFAULT_TIMEOUT));
	}

	/**
	 * The primary this replica was cloned from.
	 * @return the primary
	 */
	public PostgresPrimaryContainer primary() {
		return this.primary;
	}

	@Override
	protected void configure() {
		// Same database and login as the primary, whatever was set on it after this replica was created.
		withDatabaseName(this.primary.getDatabaseName());
		withUsername(this.primary.getUsername());
		withPassword(this.primary.getPassword());
		super.configure();
		addEnv("POSTGRES_PRIMARY_HOST", PostgresPrimaryContainer.NODE_NAME);
		addEnv("POSTGRES_PRIMARY_PORT", Integer.toString(POSTGRESQL_PORT));
		addEnv("POSTGRES_APPLICATION_NAME", nodeName());
	}

	/**
	 * Pauses WAL replay ({@code pg_wal_replay_pause()}) and waits until it has stopped: from then on the
	 * replica serves an unchanging snapshot while the primary moves on.
	 */
	public void pauseReplay() {
		execute("SELECT pg_wal_replay_pause()");
		Await.until(() -> "paused".equals(queryOne("SELECT pg_get_wal_replay_pause_state()")), DEFAULT_TIMEOUT,
				"replay is paused on " + nodeName());
	}

	/**
	 * Resumes WAL replay paused by {@link #pauseReplay()}.
	 */
	public void resumeReplay() {
		execute("SELECT pg_wal_replay_resume()");
		Await.until(() -> "not paused".equals(queryOne("SELECT pg_get_wal_replay_pause_state()")), DEFAULT_TIMEOUT,
				"replay is resumed on " + nodeName());
	}

	/**
	 * Whether WAL replay is paused (or being paused).
	 * @return whether replay is paused
	 */
	public boolean isReplayPaused() {
		return !"not paused".equals(queryOne("SELECT pg_get_wal_replay_pause_state()"));
	}

	/**
	 * Makes the replica apply each commit only {@code delay} after it happened on the primary
	 * ({@code recovery_min_apply_delay}); {@link Duration#ZERO} switches it off.
	 * @param delay the apply delay, in whole milliseconds
	 */
	public void setApplyDelay(Duration delay) {
		long millis = delay.toMillis();
		if (millis < 0) {
			throw new IllegalArgumentException("Negative apply delay: " + delay);
		}
		execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'");
		execute("SELECT pg_reload_conf()");
		Await.until(() -> Long.toString(millis)
			.equals(queryOne("SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'")),
				DEFAULT_TIMEOUT, "recovery_min_apply_delay is " + millis + "ms on " + nodeName());
	}

	/**
	 * How far this replica's replay is behind the primary's current WAL position, in bytes.
	 * @return the replay lag in bytes, 0 when caught up
	 */
	public long replayLagBytes() {
		String primaryLsn = this.primary.lsn();
		return Math.max(0, Long.parseLong(queryOne(
				"SELECT pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::bigint::text", primaryLsn)));
	}

	/**
	 * Waits until this replica has replayed everything the primary has written so far.
	 * @param timeout how long to wait
	 */
	public void awaitCaughtUp(Duration timeout) {
		awaitLsn(this.primary.lsn(), timeout);
	}

	/**
	 * Promotes this replica to a primary ({@code pg_promote()}) and waits until it accepts writes. Other
	 * replicas keep following the old primary.
	 */
	public void promote() {
		if (!"true".equals(queryOne("SELECT pg_promote(true, 60)::text"))) {
			throw new IllegalStateException(nodeName() + " was not promoted within 60 s");
		}
		Await.until(() -> !isInRecovery(), DEFAULT_TIMEOUT, nodeName() + " leaves recovery");
	}

}
