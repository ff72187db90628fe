package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One client: writes a row, then at once reads it back in a read-only transaction, in a loop. The
 * client thread is its own consistency scope (the token lives in a thread-local), like one user.
 */
final class LoadClient implements Runnable {

	private static final String INSERT = "insert into events (client, seq, payload) values (?, ?, ?)";

	private static final String PAYLOAD = "x".repeat(64);

	private final int id;

	private final Window window;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	private final JdbcTemplate jdbc;

	private final ConsistencyContext consistency;

	private final BenchmarkCluster cluster;

	private final boolean probe;

	private final String read;

	private final long pairIntervalNanos;

	private final long startOffsetNanos;

	private final long readDelayNanos;

	private final SplittableRandom random;

	private final ReadStats stats = new ReadStats();

	private volatile Throwable failure;

	/**
	 * Create a client.
	 * @param id the client's number, part of every row it writes
	 * @param window when to record and when to stop
	 * @param writes read-write transactions
	 * @param reads read-only transactions
	 * @param jdbc statements on the routing data source
	 * @param consistency the scope holder of the application
	 * @param cluster the cluster: its SQL, and the nodes to probe
	 * @param probe whether to probe the nodes on plain connections before each read
	 * @param pairIntervalNanos time from the start of one pair to the start of the next, or 0 to start
	 * the next at once
	 * @param startOffsetNanos when paced, how long after the others this client starts, so that the
	 * clients' pairs do not arrive in bursts
	 * @param readDelayNanos the most this client waits between its write and its read (uniformly
	 * random from 0), or 0 to read at once
	 * @param seed seed of this client's read delays
	 */
	LoadClient(int id, Window window, TransactionTemplate writes, TransactionTemplate reads, JdbcTemplate jdbc,
			ConsistencyContext consistency, BenchmarkCluster cluster, boolean probe, long pairIntervalNanos,
			long startOffsetNanos, long readDelayNanos, long seed) {
		this.id = id;
		this.window = window;
		this.writes = writes;
		this.reads = reads;
		this.jdbc = jdbc;
		this.consistency = consistency;
		this.cluster = cluster;
		this.probe = probe;
		this.read = cluster.readEventAndRole();
		this.pairIntervalNanos = pairIntervalNanos;
		this.startOffsetNanos = startOffsetNanos;
		this.readDelayNanos = readDelayNanos;
		this.random = new SplittableRandom(seed);
	}

	@Override
	public void run() {
		// A fresh scope: nothing this thread did before counts as this client's write.
		this.consistency.set(null);
		try (Prober prober = this.probe ? new Prober(this.cluster) : null) {
			int seq = 0;
			boolean measuring = false;
			long nextPair = System.nanoTime() + this.startOffsetNanos;
			while (this.window.running()) {
				if (!measuring && this.window.warmedUp()) {
					// Between two iterations: nothing in flight while the driver starts counting.
					measuring = this.window.pauseUntilMeasuring();
					nextPair = System.nanoTime() + this.startOffsetNanos;
					continue;
				}
				if (this.pairIntervalNanos > 0) {
					// Paced: the next pair starts on schedule, or at once if this client fell behind.
					LockSupport.parkNanos(nextPair - System.nanoTime());
					nextPair = Math.max(nextPair + this.pairIntervalNanos, System.nanoTime());
				}
				int row = ++seq;
				long writeStart = System.nanoTime();
				this.writes.executeWithoutResult((status) -> this.jdbc.update(INSERT, this.id, row, PAYLOAD));
				long writeEnd = System.nanoTime();
				long writeNanos = writeEnd - writeStart;
				// Right after the commit, before any delay: later commits of other clients must not count.
				String writeLsn = (prober != null) ? prober.writePosition() : null;
				if (this.readDelayNanos > 0) {
					// Like a user who reads some time after the write; the probe below is right before the read.
					long readAt = writeEnd + this.random.nextLong(this.readDelayNanos + 1);
					while (readAt - System.nanoTime() > 0) {
						LockSupport.parkNanos(readAt - System.nanoTime());
					}
				}
				Probe probe = (prober != null) ? prober.probe(writeLsn, this.id, row) : null;
				long start = System.nanoTime();
				Read read = this.reads.execute((status) -> this.jdbc.queryForObject(this.read,
						(rs, rowNum) -> new Read(rs.getBoolean(1), rs.getBoolean(2)), this.id, row));
				long nanos = System.nanoTime() - start;
				if (measuring) {
					this.stats.record(read.found(), read.replica(), nanos, writeNanos, probe);
					if (!read.found() && this.stats.wantsStaleExample()) {
						this.stats.staleExample(describeStale(row, read, nanos, probe));
					}
				}
			}
		}
		catch (Throwable ex) {
			this.failure = ex;
			this.window.abort();
		}
	}

	private String describeStale(int row, Read read, long nanos, Probe probe) {
		ConsistencyToken token = this.consistency.current();
		String position = (token != null && !token.entries().isEmpty()) ? position(token.entries().get(0)) : "none";
		String replay = (probe != null) ? "write position " + probe.writeLsn() + ", replica replay position before the read "
				+ probe.replayLsn() + " (replayed: " + probe.replayed() + ", row visible: " + probe.visible() + ")"
				: "not probed";
		return String.format("client %d seq %d: row missing on the %s after %.2f ms; token position %s; %s", this.id,
				row, read.replica() ? "replica" : "writer", nanos / 1e6, position, replay);
	}

	private static String position(ConsistencyToken.Entry entry) {
		return (entry.gtids() != null) ? entry.gtids().toString() : lsn(entry.position());
	}

	private static String lsn(long position) {
		return (position < 0) ? "unknown" : String.format("%X/%X", position >>> 32, position & 0xFFFFFFFFL);
	}

	ReadStats stats() {
		return this.stats;
	}

	Throwable failure() {
		return this.failure;
	}

	record Read(boolean found, boolean replica) {

	}

	/**
	 * The replica's state right before a read.
	 *
	 * @param writeLsn the primary's flush position right after the write committed
	 * @param replayLsn the replica's replay position right before the read
	 * @param replayed whether the replica had replayed the write's position
	 * @param visible whether the written row was visible on the replica
	 */
	record Probe(String writeLsn, String replayLsn, boolean replayed, boolean visible) {

	}

	/**
	 * The "best possible" check: on plain connections of its own to each node, outside the routing
	 * data source and its pools, so that it changes neither routing nor the consistency token.
	 */
	private static final class Prober implements AutoCloseable {

		private final Connection primary;

		private final Connection replica;

		private final PreparedStatement writePosition;

		private final PreparedStatement replayCheck;

		Prober(BenchmarkCluster cluster) throws SQLException {
			this.primary = cluster.connectPrimary();
			this.replica = cluster.connectReplica();
			this.writePosition = this.primary.prepareStatement(cluster.writePosition());
			this.replayCheck = this.replica.prepareStatement(cluster.replayCheck());
		}

		String writePosition() throws SQLException {
			try (ResultSet rs = this.writePosition.executeQuery()) {
				rs.next();
				return rs.getString(1);
			}
		}

		Probe probe(String writeLsn, int client, int seq) throws SQLException {
			this.replayCheck.setString(1, writeLsn);
			this.replayCheck.setInt(2, client);
			this.replayCheck.setInt(3, seq);
			try (ResultSet rs = this.replayCheck.executeQuery()) {
				rs.next();
				return new Probe(writeLsn, rs.getString(1), rs.getBoolean(2), rs.getBoolean(3));
			}
		}

		@Override
		public void close() throws SQLException {
			try (Connection p = this.primary; Connection r = this.replica) {
				// closes both, even if one fails
			}
		}

	}

	/**
	 * The phases of one mode, shared by its clients and the driver: warm-up (run, do not record),
	 * measuring (record), stopped. The switch to measuring is exact: every client pauses between two
	 * iterations, the driver starts its meters, then releases them all. So the clients' counts and
	 * the routing meters cover the same reads.
	 */
	static final class Window {

		private final CountDownLatch paused;

		private final CountDownLatch measuring = new CountDownLatch(1);

		private final CountDownLatch aborted = new CountDownLatch(1);

		private volatile boolean warmedUp;

		private volatile boolean stopped;

		Window(int clients) {
			this.paused = new CountDownLatch(clients);
		}

		boolean running() {
			return !this.stopped;
		}

		boolean warmedUp() {
			return this.warmedUp;
		}

		/**
		 * Client side: wait, between two iterations, until the driver starts measuring.
		 * @return whether measuring started (else the mode ended meanwhile)
		 */
		boolean pauseUntilMeasuring() throws InterruptedException {
			this.paused.countDown();
			this.measuring.await();
			return !this.stopped;
		}

		/**
		 * Driver side: end the warm-up and wait until every client has paused.
		 * @param timeout how long the clients may take to finish their current iteration
		 * @return {@code false} if a client failed meanwhile
		 */
		boolean endWarmup(Duration timeout) throws InterruptedException {
			this.warmedUp = true;
			if (!this.paused.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new IllegalStateException("The clients did not pause within " + timeout);
			}
			return this.aborted.getCount() > 0;
		}

		/**
		 * Driver side: release the paused clients into the measured phase.
		 */
		void startMeasuring() {
			this.measuring.countDown();
		}

		/**
		 * Driver side: let the clients run for a while.
		 * @param duration how long
		 * @return {@code false} if a client failed meanwhile
		 */
		boolean runFor(Duration duration) throws InterruptedException {
			return !this.aborted.await(duration.toNanos(), TimeUnit.NANOSECONDS);
		}

		/**
		 * End the mode: clients finish their current iteration and return.
		 */
		void stop() {
			this.stopped = true;
			this.measuring.countDown();
		}

		/**
		 * A client failed: end the mode now rather than after its full duration.
		 */
		void abort() {
			stop();
			this.aborted.countDown();
			// A failed client never pauses: do not keep the driver waiting for it.
			while (this.paused.getCount() > 0) {
				this.paused.countDown();
			}
		}

	}

}
