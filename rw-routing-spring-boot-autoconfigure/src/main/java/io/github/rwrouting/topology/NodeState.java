package io.github.rwrouting.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * What is known of one node of the cluster (the writer's or a reader's): its role, replay position
 * and lag as the replica monitor last saw them, and whether it may take reads, as last decided by
 * the monitor and by the reads themselves. Written by the monitor, by reads that failed to use the
 * node and by reads whose connection reports it promoted; read on every routing decision: plain
 * volatile fields, no locking on the routing path.
 * <p>
 * A read that cannot get or use a connection of a reader (its pool timed out, the connection died)
 * excludes the reader at once, for a backoff that doubles with each further failure, even when the
 * monitor's own connection is fine (a saturated pool, a node that accepts the monitor but not the
 * application). The monitor lets it rejoin only once the backoff is over; without a monitor it
 * rejoins by itself then.
 *
 * @author rw-routing
 */
public final class NodeState {

	private static final Log logger = LogFactory.getLog(NodeState.class);

	private static final int MAX_BACKOFF_SHIFT = 20;

	private final String name;

	private final boolean writer;

	private final boolean singleNode;

	private volatile NodeStatus status;

	private volatile boolean monitored;

	private volatile long backoffNanos = TimeUnit.SECONDS.toNanos(1);

	private volatile long maxBackoffNanos = TimeUnit.SECONDS.toNanos(30);

	private volatile long excludedUntilNanos;

	private volatile boolean failureExcluded;

	// Guarded by this: only failures take the lock.
	private int consecutiveFailures;

	private long lastFailureNanos;

	private volatile boolean available = true;

	private volatile ExclusionReason unavailableReason = ExclusionReason.DOWN;

	private volatile long lagNanos;

	// The commit time of the oldest write a read found the node without since the monitor's last
	// poll; Long.MAX_VALUE when none did.
	private volatile long missedCommitMillis = Long.MAX_VALUE;

	// The lag the latest check of a read measured on the node since the monitor's last poll;
	// ReplayCheck.UNKNOWN_LAG when none did, or the database does not tell.
	private volatile long checkedLagNanos = ReplayCheck.UNKNOWN_LAG;

	private volatile ReplicationPosition replayed = ReplicationPosition.UNKNOWN;

	private volatile long appliedUntilMillis = Long.MIN_VALUE;

	// A read's connection reported the node out of recovery, and warned, since the monitor last saw
	// it as a replica: the monitor confirms it without warning again.
	private volatile boolean leftRecoveryReported;

	// When (System.nanoTime()) a read's connection last reported the node out of recovery.
	private volatile long leftRecoveryReportedNanos;

	private NodeState(String name, boolean writer, boolean singleNode) {
		Assert.hasText(name, "'name' must not be empty");
		this.name = name;
		this.writer = writer;
		this.singleNode = singleNode;
		this.status = NodeStatus.initial(name, writer);
	}

	/**
	 * The state of the node behind the writer pool.
	 * @param name the writer's name ({@code writer})
	 * @return a new state
	 */
	public static NodeState writer(String name) {
		return new NodeState(name, true, true);
	}

	/**
	 * The state of a reader.
	 * @param name the reader's configured name
	 * @param singleNode whether every connection of the reader's pool reaches the node the monitor
	 * watches (a replica's own address, not a load-balanced endpoint)
	 * @return a new state
	 */
	public static NodeState reader(String name, boolean singleNode) {
		return new NodeState(name, false, singleNode);
	}

	/**
	 * The node's name: {@code writer}, or the reader's configured name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Whether this is the node behind the writer pool.
	 * @return {@code true} for the writer
	 */
	public boolean isWriter() {
		return this.writer;
	}

	/**
	 * What the monitor last saw of the node.
	 * @return the status
	 */
	public NodeStatus status() {
		return this.status;
	}

	/**
	 * Record what the monitor saw at its last poll.
	 * @param status the status
	 */
	public void status(NodeStatus status) {
		this.status = status;
	}

	/**
	 * Record how far the node has replayed, as the monitor last saw it.
	 * @param replayed the replayed position and its timeline, {@link ReplicationPosition#UNKNOWN}
	 * when the database has none
	 * @param appliedUntilMillis a time (epoch milliseconds) before which every commit is known to be
	 * visible on the node
	 */
	public void replayed(ReplicationPosition replayed, long appliedUntilMillis) {
		this.replayed = replayed;
		this.appliedUntilMillis = appliedUntilMillis;
	}

	/**
	 * Whether the node is known, without asking it, to show a write.
	 * @param timeline the write's timeline
	 * @param position the write's commit position, {@code -1} when it has none
	 * @param commitTimeMillis the write's commit time
	 * @return {@code true} if the monitor last saw the node past it on the write's timeline; never
	 * by position when the reader's connections may reach other nodes than the monitor's
	 */
	public boolean hasReplayed(int timeline, long position, long commitTimeMillis) {
		if (position >= 0) {
			if (!this.singleNode) {
				// The monitor saw one of the nodes behind the endpoint; the read may land on another.
				return false;
			}
			ReplicationPosition node = this.replayed;
			if (node.isKnown()) {
				return node.includes(timeline, position);
			}
		}
		return this.appliedUntilMillis >= commitTimeMillis;
	}

	/**
	 * The node may serve reads.
	 * @param lagNanos its current replication lag
	 */
	public void markAvailable(long lagNanos) {
		this.leftRecoveryReported = false;
		this.lagNanos = lagNanos;
		forgetMisses();
		this.failureExcluded = false;
		this.available = true;
	}

	/**
	 * The node must not serve reads.
	 * @param reason why
	 * @param lagNanos its current replication lag, if known
	 */
	public void markUnavailable(ExclusionReason reason, long lagNanos) {
		this.lagNanos = lagNanos;
		forgetMisses();
		this.unavailableReason = reason;
		this.available = false;
	}

	/**
	 * A read found the node behind: it is taken to lag this much until the monitor's next poll
	 * measures it again.
	 * @param lagNanos the lag it is taken to have
	 */
	public void lagsAtLeast(long lagNanos) {
		// Racy by design: losing one of two concurrent raises only costs one wasted wait.
		if (lagNanos > this.lagNanos) {
			this.lagNanos = lagNanos;
		}
	}

	/**
	 * A read's check found the node without a write. Until the monitor's next poll the node is taken
	 * to keep the lag the check measured, when the database told it (see {@link #checkedLagNanos()});
	 * else not to have that write nor any younger one.
	 * @param commitTimeMillis the write's commit time
	 * @param lagNanos the node's lag as the check measured it, at least the write's age then, or
	 * {@link ReplayCheck#UNKNOWN_LAG}
	 */
	public void missed(long commitTimeMillis, long lagNanos) {
		// Racy by design: losing one of two concurrent updates only costs one wasted check.
		if (commitTimeMillis < this.missedCommitMillis) {
			this.missedCommitMillis = commitTimeMillis;
		}
		checked(lagNanos);
	}

	/**
	 * A read's check measured the node's lag (whether or not it had the read's write): until the
	 * monitor's next poll the node is taken to keep it.
	 * @param lagNanos the lag, or {@link ReplayCheck#UNKNOWN_LAG}
	 */
	public void checked(long lagNanos) {
		if (lagNanos != ReplayCheck.UNKNOWN_LAG) {
			// The latest measurement is the closest to the node's lag now.
			this.checkedLagNanos = lagNanos;
		}
	}

	/**
	 * A read's check found its write on the node and measured its lag: that can only lower an
	 * estimate a miss recorded since the monitor's last poll. On a primary that commits rarely the
	 * measured lag (the time since the node's last replayed commit) is the time since that commit,
	 * not a lag, so a pass never raises the estimate nor sets one where the monitor's lag decides.
	 * @param lagNanos the lag, or {@link ReplayCheck#UNKNOWN_LAG}
	 */
	public void checkedWithWrite(long lagNanos) {
		long current = this.checkedLagNanos;
		if (lagNanos != ReplayCheck.UNKNOWN_LAG && current != ReplayCheck.UNKNOWN_LAG && lagNanos < current) {
			this.checkedLagNanos = lagNanos;
		}
	}

	/**
	 * Whether a read found the node without this write, or without an older one, since the
	 * monitor's last poll.
	 * @param commitTimeMillis the write's commit time
	 * @return {@code true} if it did: the node is taken not to have this write yet
	 */
	public boolean missedSince(long commitTimeMillis) {
		return commitTimeMillis >= this.missedCommitMillis;
	}

	/**
	 * The lag the latest check of a read measured on the node since the monitor's last poll: the
	 * node keeps replaying, and is taken to keep that lag until the poll measures it again.
	 * @return the lag in nanoseconds, or {@link ReplayCheck#UNKNOWN_LAG} when no read measured one
	 */
	public long checkedLagNanos() {
		return this.checkedLagNanos;
	}

	private void forgetMisses() {
		this.missedCommitMillis = Long.MAX_VALUE;
		this.checkedLagNanos = ReplayCheck.UNKNOWN_LAG;
	}

	/**
	 * Apply what a monitor poll saw, unless a read's connection reported the node promoted after the
	 * poll began: the poll's answer is then older than the report and must not let the node serve
	 * reads again (it would, for one interval). Runs under the lock the report takes, so neither
	 * overtakes the other halfway.
	 * @param startedNanos when the poll began ({@link System#nanoTime()})
	 * @param update what the poll changes on the node
	 * @return {@code false} if the poll was ignored
	 */
	public synchronized boolean polled(long startedNanos, Runnable update) {
		if (this.leftRecoveryReported && this.leftRecoveryReportedNanos - startedNanos >= 0) {
			return false;
		}
		update.run();
		return true;
	}

	/**
	 * Whether the node may serve reads.
	 * @return {@code true} if it may
	 */
	public boolean isAvailable() {
		if (this.available) {
			return true;
		}
		// Without a monitor nobody else lets a reader excluded for failures rejoin.
		if (!this.monitored && this.failureExcluded && System.nanoTime() - this.excludedUntilNanos >= 0) {
			this.failureExcluded = false;
			this.available = true;
			return true;
		}
		return false;
	}

	/**
	 * How long reads are kept from the node after failures.
	 * @param backoff the exclusion after a first failure, doubled with each further one
	 * @param maxBackoff the longest exclusion
	 */
	public void failureBackoff(Duration backoff, Duration maxBackoff) {
		this.backoffNanos = backoff.toNanos();
		this.maxBackoffNanos = Math.max(maxBackoff.toNanos(), this.backoffNanos);
	}

	/**
	 * A monitor decides when this node may serve reads again.
	 */
	public void monitored() {
		this.monitored = true;
	}

	/**
	 * A read could not get or use a connection to this node: keep reads away from it for a backoff.
	 * Concurrent failures within one backoff count once.
	 * @return {@code true} if this failure excluded the node (it was serving reads)
	 */
	public boolean connectionFailed() {
		long now = System.nanoTime();
		synchronized (this) {
			if (this.failureExcluded && now - this.excludedUntilNanos < 0) {
				return false;
			}
			if (now - this.lastFailureNanos > 2 * this.maxBackoffNanos) {
				// Long enough without a failure: start again from the shortest backoff.
				this.consecutiveFailures = 0;
			}
			int shift = Math.min(this.consecutiveFailures, MAX_BACKOFF_SHIFT);
			this.consecutiveFailures++;
			this.lastFailureNanos = now;
			long backoff = Math.min(this.backoffNanos << shift, this.maxBackoffNanos);
			this.excludedUntilNanos = now + backoff;
			this.failureExcluded = true;
		}
		boolean wasAvailable = this.available;
		this.unavailableReason = ExclusionReason.CONNECTION_FAILURES;
		this.available = false;
		return wasAvailable;
	}

	/**
	 * Whether reads are kept away from the node because reads failed to use it recently.
	 * @return {@code true} while the backoff after a failure runs
	 */
	public boolean isFailureBackoff() {
		return this.failureExcluded && System.nanoTime() - this.excludedUntilNanos < 0;
	}

	/**
	 * A connection of this reader reports that its server is not in recovery (PostgreSQL reports it
	 * with the first answer after a promotion, without a round trip): whether a read may run on it
	 * anyway. A reader the monitor last saw as a replica was promoted since: it is excluded at once,
	 * exactly as the monitor's next poll would exclude it ({@link ExclusionReason#NOT_A_REPLICA}, in
	 * health and metrics, with a warning), and that poll confirms or clears it. A reader that is the
	 * writer's own node serves on; one the monitor has not seen yet, or whose connections may reach
	 * other nodes than the monitor's, is left to the monitor.
	 * @return {@code true} if no read may run on the connection
	 */
	public boolean reportedNotInRecovery() {
		if (this.writer || !this.singleNode) {
			return false;
		}
		NodeStatus seen = this.status;
		if (seen.role() == NodeRole.PRIMARY) {
			return !seen.servedByWriterNode();
		}
		if (seen.role() != NodeRole.REPLICA) {
			return false;
		}
		synchronized (this) {
			if (this.status == seen) {
				// Its positions belong to another history from now on: never let a token trust them.
				replayed(ReplicationPosition.UNKNOWN, Long.MIN_VALUE);
				markUnavailable(ExclusionReason.NOT_A_REPLICA, seen.lagNanos());
				this.leftRecoveryReported = true;
				this.leftRecoveryReportedNanos = System.nanoTime();
				this.status = new NodeStatus(this.name, false, true, NodeRole.PRIMARY, seen.lagBytes(), seen.lagNanos(),
						true, Instant.now(), null, ExclusionReason.NOT_A_REPLICA, false);
				logger.warn("rw-routing reader '" + this.name + "' reports that it left recovery (promoted) since the "
						+ "monitor last saw it as a replica: its data may differ from the writer's from now on. It is "
						+ "excluded from reads until it is a replica again.");
			}
		}
		return true;
	}

	/**
	 * Whether a read's connection reported the node out of recovery, and warned of it, since the
	 * monitor last let the node serve reads.
	 * @return {@code true} if it did
	 */
	public boolean isLeftRecoveryReported() {
		return this.leftRecoveryReported;
	}

	/**
	 * Why the node may not serve reads, when it may not.
	 * @return the reason
	 */
	public ExclusionReason unavailableReason() {
		return this.unavailableReason;
	}

	/**
	 * The replication lag last measured, or raised by a read that found the node behind.
	 * @return the lag in nanoseconds
	 */
	public long lagNanos() {
		return this.lagNanos;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
