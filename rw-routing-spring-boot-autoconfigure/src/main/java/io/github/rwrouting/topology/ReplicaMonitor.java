package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Polls every node of a cluster in the background for its role, replication position and lag,
 * writes what it saw into the {@link ClusterState}, and decides which readers may serve reads: a reader that is down, unreachable or lagging past its
 * {@code max-lag} is excluded until it recovers. Each node is polled on its own connection, outside
 * the application's pools, with a timeout so that a frozen node delays only its own poll.
 * <p>
 * Hysteresis keeps a reader near its limit from flapping: one excluded for lag rejoins once its lag
 * is at most half the limit, one excluded for being down rejoins after two polls in a row succeed,
 * one excluded because reads failed to use it rejoins once its backoff is over.
 * <p>
 * Only a real replica serves reads: a reader that is not in recovery is excluded unless it is the
 * writer's own node (same system identifier and timeline). When a reader that answered stops
 * answering (frozen, dead), {@link ReaderDownListener}s are told, so that work still waiting on it
 * can be released.
 *
 * @author rw-routing
 */
public class ReplicaMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplicaMonitor.class);

	private static final int HISTORY_SIZE = 4096;

	private static final int SUCCESSES_TO_REJOIN = 2;

	private final List<MonitoredNode> nodes = new ArrayList<>();

	private final DialectResolver dialectResolver;

	private final Duration interval;

	private final Duration timeout;

	private final List<WriterRoleListener> writerRoleListeners;

	private final List<ReaderDownListener> readerDownListeners;

	private final WriterHistory writerHistory;

	private final ClusterState state;

	private volatile @Nullable DatabaseDialect dialect;

	/** The writer's identity the writer history was recorded under. */
	private volatile @Nullable ClusterIdentity historyIdentity;

	/** When the monitor first saw the writer on its current timeline ({@link System#nanoTime()}). */
	private volatile long writerTimelineSeenNanos;

	private volatile @Nullable ScheduledExecutorService executor;

	/**
	 * Create a monitor.
	 * @param state the cluster state it writes, whose writer and readers are monitored
	 * @param connectors how to open a monitoring connection to each node, by node name; none when
	 * the database cannot be monitored
	 * @param dialectResolver the dialect to use or detect
	 * @param interval time between two polls of a node
	 * @param timeout how long one poll may take
	 * @param maxLag the lag past which each reader (by name) stops serving reads
	 * @param writerRoleListeners told when the writer pool reaches a replica
	 */
	public ReplicaMonitor(ClusterState state, Map<String, NodeConnector> connectors, DialectResolver dialectResolver,
			Duration interval, Duration timeout, Function<String, Duration> maxLag,
			List<WriterRoleListener> writerRoleListeners) {
		this(state, connectors, dialectResolver, interval, timeout, maxLag, writerRoleListeners, List.of());
	}

	/**
	 * Create a monitor.
	 * @param state the cluster state it writes, whose writer and readers are monitored
	 * @param connectors how to open a monitoring connection to each node, by node name; none when
	 * the database cannot be monitored
	 * @param dialectResolver the dialect to use or detect
	 * @param interval time between two polls of a node
	 * @param timeout how long one poll may take
	 * @param maxLag the lag past which each reader (by name) stops serving reads
	 * @param writerRoleListeners told when the writer pool reaches a replica
	 * @param readerDownListeners told when a reader stops answering
	 */
	public ReplicaMonitor(ClusterState state, Map<String, NodeConnector> connectors, DialectResolver dialectResolver,
			Duration interval, Duration timeout, Function<String, Duration> maxLag,
			List<WriterRoleListener> writerRoleListeners, List<ReaderDownListener> readerDownListeners) {
		this.state = state;
		this.readerDownListeners = List.copyOf(readerDownListeners);
		this.dialectResolver = dialectResolver;
		this.interval = interval;
		this.timeout = timeout;
		// Two intervals: one missed writer poll is tolerated, a writer that is no longer polled is not.
		this.writerHistory = new WriterHistory(HISTORY_SIZE, interval.multipliedBy(2).toNanos());
		this.writerRoleListeners = List.copyOf(writerRoleListeners);
		if (connectors.isEmpty()) {
			return; // a database without a dialect: nothing to poll, every reader keeps serving
		}
		this.nodes.add(new MonitoredNode(state.writer(), connector(connectors, state.writer()), Duration.ZERO));
		for (NodeState reader : state.readers()) {
			this.nodes.add(new MonitoredNode(reader, connector(connectors, reader), maxLag.apply(reader.name())));
			reader.monitored();
		}
	}

	private static NodeConnector connector(Map<String, NodeConnector> connectors, NodeState node) {
		NodeConnector connector = connectors.get(node.name());
		Assert.notNull(connector, () -> "No connector for node " + node);
		return connector;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null || this.nodes.isEmpty()) {
			return;
		}
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(this.nodes.size(),
				new MonitorThreadFactory());
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		scheduler.setRemoveOnCancelPolicy(true);
		// Set before the first poll runs: a poll that fails while it is null was stopped.
		this.executor = scheduler;
		for (MonitoredNode node : this.nodes) {
			scheduler.scheduleWithFixedDelay(() -> poll(node), 0, this.interval.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler == null) {
			return;
		}
		this.executor = null;
		scheduler.shutdownNow();
		try {
			if (!scheduler.awaitTermination(this.timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)) {
				logger.warn("rw-routing monitor threads did not stop in time");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.nodes.forEach(MonitoredNode::closeConnection);
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/**
	 * What the monitor last saw of each node, the writer first.
	 * @return the statuses
	 */
	public List<NodeStatus> statuses() {
		return this.nodes.stream().map((node) -> node.node.status()).toList();
	}

	/**
	 * What the monitor last saw of a node.
	 * @param name {@code writer} or a reader's name
	 * @return the status
	 */
	public NodeStatus status(String name) {
		return this.state.node(name).status();
	}

	/**
	 * The cluster state this monitor writes.
	 * @return the state
	 */
	public ClusterState clusterState() {
		return this.state;
	}

	/**
	 * The dialect in use, once a node has been reached.
	 * @return the dialect or {@code null}
	 */
	public @Nullable DatabaseDialect dialect() {
		return this.dialect;
	}

	/**
	 * The cluster and timeline of the writer at its last successful poll.
	 * @return the identity, or {@code null} before the writer was reached
	 */
	public @Nullable ClusterIdentity writerIdentity() {
		return this.state.writerIdentity();
	}

	private void poll(MonitoredNode node) {
		try {
			long startedMillis = System.currentTimeMillis();
			long startedNanos = System.nanoTime();
			Connection connection = node.connection();
			NodeProbe probe = dialect(connection).probe(connection);
			long now = System.nanoTime();
			if (node.isWriter()) {
				if (probe.role() == NodeRole.PRIMARY) {
					if (probe.identity() != null) {
						writerIdentified(probe.identity(), now);
					}
					if (probe.position() != NodeProbe.UNKNOWN) {
						this.writerHistory.record(now, probe.position());
					}
				}
				boolean wasDemoted = node.node.status().isDemotedWriter();
				node.writerPolled(probe);
				NodeStatus status = node.node.status();
				if (status.isDemotedWriter()) {
					// Reconnect at the next poll: the endpoint's name may resolve to the new primary by then,
					// as it will for the pool's new connections.
					node.closeConnection();
					writerDemoted(status);
				}
				else if (wasDemoted) {
					writerRestored(status);
				}
			}
			else {
				node.readerPolled(probe, lagBytes(probe), lagNanos(probe, now), startedMillis, startedNanos);
			}
		}
		catch (Throwable ex) {
			if (this.executor == null || Thread.currentThread().isInterrupted()) {
				// stop() interrupted this poll (the application is closing): its failure says nothing
				// about the node, and a reader marked down or a warning now would be false.
				return;
			}
			// Whatever a poll throws (an Error from a driver too) is a failed poll: an escaping
			// throwable would cancel this node's schedule for good.
			node.failed(ex);
		}
	}

	private void writerIdentified(ClusterIdentity identity, long now) {
		ClusterIdentity previous = this.historyIdentity;
		if (previous == null || previous.timeline() != identity.timeline()) {
			// Positions of another timeline say nothing about lag on this one.
			this.writerHistory.clear();
			this.writerTimelineSeenNanos = now;
		}
		this.historyIdentity = identity;
		this.state.writerIdentified(identity);
	}

	/**
	 * Whether a replica replays another timeline than the writer writes: then none of the writer's
	 * positions compare with the replica's.
	 */
	private boolean onAnotherTimeline(NodeProbe probe) {
		ClusterIdentity writer = this.historyIdentity;
		int timeline = probe.timeline();
		return writer != null && timeline != ReplicationPosition.UNKNOWN_TIMELINE && timeline != writer.timeline();
	}

	private long lagBytes(NodeProbe probe) {
		long writerPosition = this.writerHistory.latestPosition();
		if (probe.role() == NodeRole.PRIMARY) {
			return 0;
		}
		if (probe.position() == NodeProbe.UNKNOWN || writerPosition == NodeProbe.UNKNOWN
				|| onAnotherTimeline(probe)) {
			return NodeProbe.UNKNOWN;
		}
		return Math.max(0, writerPosition - probe.position());
	}

	private long lagNanos(NodeProbe probe, long now) {
		if (probe.role() == NodeRole.PRIMARY) {
			return 0;
		}
		if (probe.reportedLagNanos() != NodeProbe.UNKNOWN) {
			return probe.reportedLagNanos();
		}
		if (probe.position() == NodeProbe.UNKNOWN) {
			return NodeProbe.UNKNOWN;
		}
		if (onAnotherTimeline(probe)) {
			// It has none of the writer's writes since its timeline began (a replica that follows
			// the new primary switches within seconds; one left on an old timeline never does).
			return Math.max(0, now - this.writerTimelineSeenNanos);
		}
		return this.writerHistory.lagNanos(probe.position(), now);
	}

	private DatabaseDialect dialect(Connection connection) throws SQLException {
		DatabaseDialect current = this.dialect;
		return (current != null) ? current : detectDialect(connection);
	}

	private synchronized DatabaseDialect detectDialect(Connection connection) throws SQLException {
		DatabaseDialect current = this.dialect;
		if (current == null) {
			current = this.dialectResolver.detect(connection);
			DatabaseDialect implied = this.state.dialect();
			if (implied != null && implied.getClass() == current.getClass()) {
				// The one the URL implied, already in use for captures: keep what it learned (MariaDB:
				// whether the driver takes COMMIT and SELECT in one round trip).
				current = implied;
			}
			this.dialect = current;
			this.state.dialectDetected(current);
			logger.info("rw-routing monitor uses the " + current.name() + " dialect");
		}
		return current;
	}

	private void readerDown(NodeState reader, NodeStatus status) {
		for (ReaderDownListener listener : this.readerDownListeners) {
			try {
				listener.readerDown(reader, status);
			}
			catch (RuntimeException ex) {
				logger.warn("rw-routing reader-down listener failed", ex);
			}
		}
	}

	/**
	 * Whether a node that is not in recovery is the writer's own node: the same cluster and the
	 * same timeline as the writer at its last poll. A promoted replica has a new timeline; another
	 * cluster's primary another system identifier.
	 */
	private boolean isWriterNode(NodeProbe probe) {
		ClusterIdentity writer = this.historyIdentity;
		return writer != null && writer.equals(probe.identity());
	}

	private void writerRestored(NodeStatus status) {
		for (WriterRoleListener listener : this.writerRoleListeners) {
			try {
				listener.writerRestored(status);
			}
			catch (RuntimeException ex) {
				logger.warn("rw-routing writer role listener failed", ex);
			}
		}
	}

	private void writerDemoted(NodeStatus status) {
		for (WriterRoleListener listener : this.writerRoleListeners) {
			try {
				listener.writerDemoted(status);
			}
			catch (RuntimeException ex) {
				logger.warn("rw-routing writer role listener failed", ex);
			}
		}
	}

	/**
	 * Removes anything that looks like a credential from a driver message.
	 */
	static String describe(Throwable ex) {
		String message = String.valueOf(ex.getMessage()).replaceAll("(?i)(password|pwd|secret|token)=[^&;\\s]*",
				"$1=******");
		String state = (ex instanceof SQLException sqlException && sqlException.getSQLState() != null)
				? " [SQLState " + sqlException.getSQLState() + "]" : "";
		return ex.getClass().getSimpleName() + state + ": " + message;
	}

	private final class MonitoredNode {

		private final NodeState node;

		private final NodeConnector connector;

		private final long maxLagNanos;

		private @Nullable Connection connection;

		private int consecutiveSuccesses;

		private boolean notAReplicaWarned;

		MonitoredNode(NodeState node, NodeConnector connector, Duration maxLag) {
			this.node = node;
			this.connector = connector;
			this.maxLagNanos = maxLag.toNanos();
		}

		boolean isWriter() {
			return this.node.isWriter();
		}

		Connection connection() throws SQLException {
			Connection current = this.connection;
			if (current == null) {
				current = this.connector.connect();
				current.setNetworkTimeout(Runnable::run, (int) ReplicaMonitor.this.timeout.toMillis());
				this.connection = current;
			}
			return current;
		}

		void closeConnection() {
			Connection current = this.connection;
			this.connection = null;
			if (current != null) {
				try {
					current.close();
				}
				catch (SQLException | RuntimeException ex) {
					logger.debug("Failed to close monitor connection", ex);
				}
			}
		}

		void writerPolled(NodeProbe probe) {
			NodeStatus previous = this.node.status();
			NodeStatus current = new NodeStatus(this.node.name(), true, true, probe.role(), 0, 0, false, Instant.now(),
					null);
			this.node.status(current);
			if (current.isDemotedWriter() && !previous.isDemotedWriter()) {
				logger.warn("rw-routing: the writer pool reaches a replica; its connections will be retired");
			}
		}

		void readerPolled(NodeProbe probe, long lagBytes, long lagNanos, long startedMillis, long startedNanos) {
			NodeState health = this.node;
			// A read's connection may report the node promoted while this poll is in flight: what the
			// poll saw before that must not let the node serve reads again.
			if (!health.polled(startedNanos, () -> applyReaderPoll(probe, lagBytes, lagNanos, startedMillis))) {
				logger.debug("rw-routing reader '" + health.name() + "' was reported promoted while it was polled: "
						+ "the poll's older answer is ignored");
			}
		}

		private void applyReaderPoll(NodeProbe probe, long lagBytes, long lagNanos, long startedMillis) {
			this.consecutiveSuccesses++;
			NodeStatus previous = this.node.status();
			NodeState health = this.node;
			boolean lagKnown = lagNanos != NodeProbe.UNKNOWN;
			boolean notInRecovery = probe.role() == NodeRole.PRIMARY;
			boolean writerNode = notInRecovery && isWriterNode(probe);
			ExclusionReason reason = exclusion(previous, notInRecovery && !writerNode, lagKnown, lagNanos, health);
			boolean excluded = reason != null;
			long lag = lagKnown ? lagNanos : 0;
			// Every commit older than the poll's start minus the lag, minus one interval for the
			// granularity of the writer history, is visible on the reader.
			long appliedUntil = lagKnown ? startedMillis - TimeUnit.NANOSECONDS.toMillis(lagNanos)
					- ReplicaMonitor.this.interval.toMillis() : Long.MIN_VALUE;
			if (reason == ExclusionReason.NOT_A_REPLICA) {
				// Its positions belong to another history: never let a token trust them.
				health.replayed(ReplicationPosition.UNKNOWN, Long.MIN_VALUE);
			}
			else {
				health.replayed(probe.replicationPosition(), appliedUntil);
			}
			if (excluded) {
				health.markUnavailable(reason, lag);
			}
			else {
				health.markAvailable(lag);
			}
			NodeStatus current = new NodeStatus(this.node.name(), false, true, probe.role(), lagBytes, lag, excluded,
					Instant.now(), null, reason, writerNode);
			health.status(current);
			logChanges(previous, current);
		}

		private @Nullable ExclusionReason exclusion(NodeStatus previous, boolean notAReplica, boolean lagKnown,
				long lagNanos, NodeState health) {
			if (notAReplica) {
				return ExclusionReason.NOT_A_REPLICA;
			}
			if (lagKnown && lagNanos > this.maxLagNanos) {
				return ExclusionReason.LAG;
			}
			if (health.isFailureBackoff()) {
				return ExclusionReason.CONNECTION_FAILURES;
			}
			if (!previous.excluded()) {
				return null;
			}
			ExclusionReason before = previous.exclusionReason();
			if (before == ExclusionReason.LAG) {
				// Hysteresis: back once at most half the limit behind.
				return (lagKnown && lagNanos > this.maxLagNanos / 2) ? ExclusionReason.LAG : null;
			}
			if (before == ExclusionReason.CONNECTION_FAILURES) {
				return null; // the backoff was its hysteresis
			}
			return (this.consecutiveSuccesses < SUCCESSES_TO_REJOIN) ? before : null;
		}

		private void logChanges(NodeStatus previous, NodeStatus current) {
			String reader = "rw-routing reader '" + this.node.name() + "' ";
			boolean notAReplica = current.exclusionReason() == ExclusionReason.NOT_A_REPLICA;
			if (!notAReplica) {
				this.notAReplicaWarned = false;
			}
			// Until the writer was polled once, a node out of recovery cannot be told from the writer's own.
			if (notAReplica && !this.notAReplicaWarned && this.node.isLeftRecoveryReported()) {
				// A read's connection reported the promotion first, and warned of it.
				this.notAReplicaWarned = true;
			}
			else if (notAReplica && !this.notAReplicaWarned && ReplicaMonitor.this.historyIdentity != null) {
				this.notAReplicaWarned = true;
				logger.warn(reader + "is not a replica (not in recovery) and not the writer's node: a promoted "
						+ "replica or another cluster's primary, whose data may differ from the writer's. It is "
						+ "excluded from reads until it is a replica again.");
			}
			else if (current.excluded() != previous.excluded()) {
				logger.info(reader + (current.excluded() ? "excluded (" + current.exclusionReason().value() + ")"
						: "serves reads again"));
			}
			if (current.servedByWriterNode() && !previous.servedByWriterNode()) {
				logger.warn(reader + "reaches the writer's own node (the primary), not a replica: its reads are "
						+ "correct but take no load off the primary. Point rw-routing.readers." + this.node.name()
						+ ".url at a replica or a reader endpoint.");
			}
		}

		void failed(Throwable ex) {
			this.consecutiveSuccesses = 0;
			closeConnection();
			NodeStatus previous = this.node.status();
			boolean excluded = !isWriter();
			if (excluded) {
				this.node.markUnavailable(ExclusionReason.DOWN, previous.lagNanos());
			}
			NodeStatus current = new NodeStatus(this.node.name(), isWriter(), false, previous.role(),
					previous.lagBytes(), previous.lagNanos(), excluded, Instant.now(), describe(ex),
					excluded ? ExclusionReason.DOWN : null, false);
			this.node.status(current);
			String message = "rw-routing cannot reach " + (isWriter() ? "the writer" : "reader '" + this.node.name()
					+ "'") + ": " + current.error();
			if (!(ex instanceof Exception)) {
				// Not a database failure but a fault in the application or a library: with its trace,
				// whenever it is not the same as the last poll's.
				if (!current.error().equals(previous.error())) {
					logger.error(message, ex);
				}
			}
			else if (previous.up() || previous.checkedAt() == null) {
				logger.warn(message);
			}
			if (excluded && previous.up()) {
				// Frozen or dead: what still runs on it would wait for the network to give up.
				readerDown(this.node, current);
			}
		}

	}

	private static final class MonitorThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "rw-routing-monitor-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
