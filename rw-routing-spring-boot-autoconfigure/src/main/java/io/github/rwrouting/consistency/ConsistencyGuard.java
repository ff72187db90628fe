package io.github.rwrouting.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.ReplayCheck;
import io.github.rwrouting.topology.ReplicationPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Read-after-write consistency: captures the commit position after a transaction that wrote, puts
 * it in the current scope's token, tells what the scope's token asks of a read, and checks a replica
 * for a write (through the dialect). Where a read goes is the read-route planner's decision; this
 * class only runs the checks and captures it asks for.
 *
 * @author rw-routing
 */
public final class ConsistencyGuard {

	private static final Log logger = LogFactory.getLog(ConsistencyGuard.class);

	private static final long POLL_NANOS = 1_000_000;

	/**
	 * For a write whose cluster could not be read: the entry applies to whatever cluster reads it.
	 */
	private static final ClusterIdentity ANY_CLUSTER = new ClusterIdentity(ConsistencyToken.ANY_CLUSTER, 0);

	/**
	 * The requirement of a token read before the cluster's identity is known: which of its entries
	 * is this cluster's cannot be told, so the read goes to the writer.
	 */
	private static final ConsistencyToken.Entry UNKNOWN_CLUSTER = new ConsistencyToken.Entry(
			ConsistencyToken.ANY_CLUSTER, ReplicationPosition.UNKNOWN_TIMELINE, -1, Long.MAX_VALUE);

	private final ConsistencyMode mode;

	private final ConsistencyContext context;

	private final ClusterState cluster;

	private final long maxWaitNanos;

	private final long remeasureNanos;

	private final long ttlMillis;

	private final long timeWindowMillis;

	private final ConsistencyListener[] listeners;

	private final LongSupplier clock;

	/**
	 * Create a guard.
	 * @param mode the consistency mode
	 * @param context the scope holder
	 * @param cluster the cluster's state: its dialect and the writer's identity, as the replica
	 * monitor last saw them (or as read here on a writer connection without a monitor)
	 * @param maxWait how long a read may wait for a replica to catch up
	 * @param remeasureInterval how long until the monitor measures a replica's lag again (its
	 * interval), or {@link Duration#ZERO} when nothing monitors the replicas
	 * @param ttl how long a token counts after a write
	 * @param timeWindow in time-window mode, how long after a write reads go to the writer
	 * @param listeners told of every outcome
	 * @param clock the current time in epoch milliseconds
	 */
	public ConsistencyGuard(ConsistencyMode mode, ConsistencyContext context,
			ClusterState cluster, Duration maxWait, Duration remeasureInterval, Duration ttl, Duration timeWindow,
			List<ConsistencyListener> listeners, LongSupplier clock) {
		this.mode = mode;
		this.context = context;
		this.cluster = cluster;
		this.maxWaitNanos = maxWait.toNanos();
		this.remeasureNanos = remeasureInterval.toNanos();
		this.ttlMillis = ttl.toMillis();
		this.timeWindowMillis = timeWindow.toMillis();
		this.listeners = listeners.toArray(new ConsistencyListener[0]);
		this.clock = clock;
	}

	private ConsistencyGuard(ConsistencyGuard guard, ConsistencyListener[] listeners) {
		this.mode = guard.mode;
		this.context = guard.context;
		this.cluster = guard.cluster;
		this.maxWaitNanos = guard.maxWaitNanos;
		this.remeasureNanos = guard.remeasureNanos;
		this.ttlMillis = guard.ttlMillis;
		this.timeWindowMillis = guard.timeWindowMillis;
		this.listeners = listeners;
		this.clock = guard.clock;
	}

	/**
	 * The same guard, telling no listener of any outcome: for planning a read again, whose outcomes
	 * were counted when it was first planned.
	 * @return a guard that counts nothing
	 */
	public ConsistencyGuard withoutListeners() {
		return new ConsistencyGuard(this, new ConsistencyListener[0]);
	}

	/**
	 * Whether commits are captured (every mode but {@link ConsistencyMode#NONE}).
	 * @return {@code true} if they are
	 */
	public boolean capturesWrites() {
		return this.mode != ConsistencyMode.NONE;
	}

	/**
	 * A statement that wrote has just run in auto-commit mode on this writer connection: capture its
	 * position into the current scope's token. Never fails: without a position the token keeps the
	 * commit time, which replicas are checked against instead, and without a known cluster the entry
	 * applies to any cluster.
	 * @param connection the writer connection, in auto-commit mode, or {@code null} when it cannot
	 * be used
	 */
	public void written(@Nullable Connection connection) {
		long now = this.clock.getAsLong();
		ReplicationPosition position = ReplicationPosition.UNKNOWN;
		ClusterIdentity identity = knownIdentity();
		try {
			DatabaseDialect currentDialect;
			if (this.mode == ConsistencyMode.TIME_WINDOW) {
				// The window needs only the commit time: no round trip.
				outcome(ConsistencyOutcome.CAPTURED);
			}
			else if (connection != null && (currentDialect = this.cluster.dialect()) != null) {
				position = currentDialect.commitPosition(connection);
				if (identity == null) {
					identity = fetchIdentity(connection, currentDialect);
				}
				outcome(ConsistencyOutcome.CAPTURED);
			}
			else {
				outcome(ConsistencyOutcome.CAPTURE_FAILED);
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not read the commit position", ex);
			outcome(ConsistencyOutcome.CAPTURE_FAILED);
		}
		advance(position, identity, now);
	}

	/**
	 * Commit a transaction that wrote on this writer connection and capture its position into the
	 * current scope's token, in the same round trip where the dialect allows it.
	 * @param connection the writer connection, in the transaction
	 * @throws SQLException if the commit failed (then nothing is captured)
	 */
	public void commitWritten(Connection connection) throws SQLException {
		DatabaseDialect currentDialect = this.cluster.dialect();
		if (this.mode == ConsistencyMode.TIME_WINDOW || currentDialect == null) {
			connection.commit();
			written(null);
			return;
		}
		ReplicationPosition position = currentDialect.commitWithPosition(connection);
		long now = this.clock.getAsLong();
		ClusterIdentity identity = knownIdentity();
		if (identity == null) {
			identity = identityOutsideTransaction(connection, currentDialect);
		}
		outcome(ConsistencyOutcome.CAPTURED);
		advance(position, identity, now);
	}

	private @Nullable ClusterIdentity identityOutsideTransaction(Connection connection, DatabaseDialect currentDialect) {
		// Without a monitor, once per process: read in auto-commit mode, so no transaction stays open.
		try {
			connection.setAutoCommit(true);
			try {
				return fetchIdentity(connection, currentDialect);
			}
			finally {
				connection.setAutoCommit(false);
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not read the cluster identity", ex);
			return null;
		}
	}

	private void advance(ReplicationPosition position, @Nullable ClusterIdentity identity, long now) {
		ConsistencyToken.Entry entry;
		if (identity == null) {
			// A position whose cluster is unknown compares with nothing: the commit time decides.
			entry = new ConsistencyToken.Entry(ANY_CLUSTER.clusterId(), ANY_CLUSTER.timeline(), -1, now);
		}
		else if (position.isKnown()) {
			// The timeline read with the position, not the monitor's last view of the writer: a
			// failover since that poll must not label a new timeline's position with the old one.
			entry = ConsistencyToken.Entry.of(identity.clusterId(), position, now);
		}
		else {
			entry = new ConsistencyToken.Entry(identity.clusterId(), identity.timeline(), -1, now);
		}
		this.context.merge(new ConsistencyToken(List.of(entry), now + this.ttlMillis));
	}

	/**
	 * Before the monitor saw the writer, or without a monitor: the cluster's identity, read once on
	 * a writer connection into the cluster state.
	 */
	private ClusterIdentity fetchIdentity(Connection connection, DatabaseDialect currentDialect) throws SQLException {
		ClusterIdentity identity = currentDialect.identity(connection);
		this.cluster.writerIdentified(identity);
		return identity;
	}

	/**
	 * What the current scope's token asks of a read on this cluster.
	 * @return the entry a reader must have replayed, or {@code null} when the read is free to go to
	 * any reader
	 */
	public ConsistencyToken.@Nullable Entry requirement() {
		if (this.mode == ConsistencyMode.NONE) {
			return null;
		}
		ConsistencyToken token = this.context.current();
		if (token == null) {
			outcome(ConsistencyOutcome.NO_TOKEN);
			return null;
		}
		long now = this.clock.getAsLong();
		if (token.isExpired(now)) {
			this.context.set(null);
			outcome(ConsistencyOutcome.TOKEN_EXPIRED);
			return null;
		}
		if (token.entries().isEmpty()) {
			return null;
		}
		ClusterIdentity identity = knownIdentity();
		ConsistencyToken.Entry entry;
		if (identity != null) {
			entry = token.entryFor(identity.clusterId());
		}
		else {
			// Only an entry that applies to any cluster (written where no identity was known either,
			// as with a database without a dialect) can be used.
			entry = token.entryFor(ConsistencyToken.ANY_CLUSTER);
			if (entry == null) {
				return UNKNOWN_CLUSTER;
			}
		}
		if (entry == null) {
			outcome(ConsistencyOutcome.TOKEN_FOREIGN);
			return null;
		}
		if (this.mode == ConsistencyMode.TIME_WINDOW
				&& now - entry.commitTimeMillis() >= this.timeWindowMillis) {
			return null;
		}
		return entry;
	}

	/**
	 * Whether a requirement came from a token read before this cluster's identity was known: which
	 * of its entries is this cluster's cannot be told.
	 * @param entry the requirement
	 * @return {@code true} if no replica can be trusted with it
	 */
	public boolean isForUnknownCluster(ConsistencyToken.Entry entry) {
		return entry == UNKNOWN_CLUSTER;
	}

	/**
	 * The consistency mode.
	 * @return the mode
	 */
	public ConsistencyMode mode() {
		return this.mode;
	}

	/**
	 * How long a read may wait for a replica to catch up.
	 * @return {@code max-wait} in nanoseconds
	 */
	public long maxWaitNanos() {
		return this.maxWaitNanos;
	}

	/**
	 * How long until the monitor measures a replica's lag again.
	 * @return the interval in nanoseconds, {@code 0} when nothing monitors the replicas
	 */
	public long remeasureNanos() {
		return this.remeasureNanos;
	}

	/**
	 * The cluster state the guard reads the dialect and the writer's identity from.
	 * @return the state
	 */
	public ClusterState clusterState() {
		return this.cluster;
	}

	/**
	 * How long a read that carries a token may wait in all for a reader to show its write when the
	 * writer pool, where it would otherwise go, has no free connection (issue 10): one monitor
	 * interval, the time the monitor takes to learn which reader has the write, or {@code max-wait}
	 * if that is longer. Without a monitor, {@code max-wait}: each reader is then asked once.
	 * @return the wait in nanoseconds
	 */
	public long writerPoolFullWaitNanos() {
		return Math.max(this.maxWaitNanos, this.remeasureNanos);
	}

	/**
	 * How long ago the write was committed.
	 * @param entry the requirement
	 * @return the time since its commit, in nanoseconds
	 */
	public long ageNanos(ConsistencyToken.Entry entry) {
		return TimeUnit.MILLISECONDS.toNanos(Math.max(0, this.clock.getAsLong() - entry.commitTimeMillis()));
	}

	/**
	 * Ask the replica behind a borrowed connection whether it has replayed a write, waiting at most
	 * {@code max-wait}. Runs in auto-commit mode, before the read's transaction begins, so the
	 * read's snapshot is taken after the check. When the replica is behind, the first look again is
	 * at the expected catch-up time, then every millisecond: each look is a query on the replica,
	 * which also reads its lag where the dialect tells it. Counts no outcome: the caller counts
	 * {@link ReplicaCheck#outcome()} once the read runs where the check sent it.
	 * @param connection a reader connection, in auto-commit mode
	 * @param entry the requirement
	 * @param expectedWaitNanos when the replica is expected to have it, from its measured lag
	 * @return what the check found
	 */
	public ReplicaCheck awaitReplayed(Connection connection, ConsistencyToken.Entry entry, long expectedWaitNanos) {
		return awaitReplayed(connection, entry, expectedWaitNanos, this.maxWaitNanos);
	}

	/**
	 * Ask the replica behind a borrowed connection whether it has replayed a write, waiting at most
	 * a given time (see {@link #awaitReplayed(Connection, ConsistencyToken.Entry, long)}).
	 * @param connection a reader connection, in auto-commit mode
	 * @param entry the requirement
	 * @param expectedWaitNanos when the replica is expected to have it, from its measured lag
	 * @param maxWaitNanos how long to wait at most, in nanoseconds
	 * @return what the check found
	 */
	public ReplicaCheck awaitReplayed(Connection connection, ConsistencyToken.Entry entry, long expectedWaitNanos,
			long maxWaitNanos) {
		DatabaseDialect currentDialect = this.cluster.dialect();
		if (currentDialect == null || entry.position() < 0) {
			return ReplicaCheck.MISSED;
		}
		ReplicationPosition write = entry.replicationPosition();
		try {
			ReplayCheck look = currentDialect.replayCheck(connection);
			if (look.position().includes(write)) {
				return ReplicaCheck.replayed(false, look.lagNanos());
			}
			if (maxWaitNanos <= 0) {
				return ReplicaCheck.missed(look.lagNanos());
			}
			long start = System.nanoTime();
			long deadline = start + maxWaitNanos;
			long pause = Math.max(POLL_NANOS, expectedWaitNanos);
			while (true) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					waited(System.nanoTime() - start, false);
					return ReplicaCheck.missed(look.lagNanos());
				}
				// A bounded poll: the replica's replay cannot be waited on before PostgreSQL 19.
				LockSupport.parkNanos(Math.min(pause, remaining));
				if (Thread.currentThread().isInterrupted()) {
					// Someone wants this thread to stop: no more waiting, the read goes to the writer
					// and the interrupt stays for the caller to see.
					waited(System.nanoTime() - start, false);
					return ReplicaCheck.missed(look.lagNanos());
				}
				pause = POLL_NANOS;
				look = currentDialect.replayCheck(connection);
				if (look.position().includes(write)) {
					waited(System.nanoTime() - start, true);
					return ReplicaCheck.replayed(true, look.lagNanos());
				}
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not read the replay position", ex);
			return ReplicaCheck.MISSED;
		}
	}

	private @Nullable ClusterIdentity knownIdentity() {
		return this.cluster.writerIdentity();
	}

	/**
	 * Count an outcome.
	 * @param outcome the outcome
	 */
	public void outcome(ConsistencyOutcome outcome) {
		for (ConsistencyListener listener : this.listeners) {
			listener.outcome(outcome);
		}
	}

	private void waited(long nanos, boolean caughtUp) {
		for (ConsistencyListener listener : this.listeners) {
			listener.waited(nanos, caughtUp);
		}
	}

}
