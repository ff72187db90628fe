package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.MariaDbDialect;

/**
 * A MariaDB primary and one GTID replica. Lag comes from a {@link ReplayGate}: MariaDB's own apply delay
 * ({@code MASTER_DELAY}) has whole seconds only, too coarse for a schedule of 0-200 ms.
 */
final class MariaDbBenchmarkCluster implements BenchmarkCluster {

	private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

	private final MariaDbCluster cluster;

	private final ReplayGate gate;

	private final Thread gateThread;

	private MariaDbBenchmarkCluster(MariaDbCluster cluster) {
		this.cluster = cluster;
		this.gate = new ReplayGate(cluster.primary(), cluster.replica(1));
		this.gateThread = new Thread(this.gate, "replay-gate");
		this.gateThread.setDaemon(true);
		this.gateThread.start();
	}

	static MariaDbBenchmarkCluster start(int replicas, boolean synchronousReplica, int maxConnections) {
		MariaDbCluster cluster = MariaDbCluster.builder()
			.replicas(replicas)
			.setting("max_connections", Integer.toString(maxConnections))
			.start();
		try {
			if (synchronousReplica) {
				semiSynchronous(cluster.primary(), cluster.replica(1));
			}
			return new MariaDbBenchmarkCluster(cluster);
		}
		catch (SQLException | RuntimeException ex) {
			cluster.close();
			throw new IllegalStateException("Could not set up semi-synchronous replication", ex);
		}
	}

	/**
	 * The primary acknowledges a commit only once {@code replica1} has received it (built into MariaDB since
	 * 10.3): {@code AFTER_SYNC}, so no other session sees a commit that the replica might not have, and a timeout
	 * long enough that it does not silently fall back to asynchronous replication during the drill.
	 */
	private static void semiSynchronous(MariaDbNode primary, MariaDbNode replica) throws SQLException {
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC");
			statement.execute("SET GLOBAL rpl_semi_sync_master_timeout = 60000");
			statement.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
		}
		try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET GLOBAL rpl_semi_sync_slave_enabled = ON");
			// the IO thread tells the primary that it acknowledges when it (re)connects
			statement.execute("STOP SLAVE IO_THREAD");
			statement.execute("START SLAVE IO_THREAD");
		}
		long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			while (true) {
				try (ResultSet rs = statement.executeQuery("SELECT variable_value FROM information_schema.global_status"
						+ " WHERE variable_name = 'RPL_SEMI_SYNC_MASTER_CLIENTS'")) {
					if (rs.next() && rs.getInt(1) == 1) {
						return;
					}
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException(replica.name() + " did not connect as a semi-synchronous replica"
							+ " within " + CATCH_UP_TIMEOUT);
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
	}

	@Override
	public String describe() throws SQLException {
		try (Connection connection = connectPrimary();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select @@version, @@sync_binlog, "
						+ "@@innodb_flush_log_at_trx_commit, @@max_connections, @@innodb_buffer_pool_size, "
						+ "@@binlog_format, @@gtid_strict_mode, @@rpl_semi_sync_master_enabled")) {
			rs.next();
			int replicas = this.cluster.replicas().size();
			return String.format("MariaDB %s, primary + %d GTID replica%s on 127.0.0.1 (same machine), %s, "
					+ "binlog_format=%s, gtid_strict_mode=%s, sync_binlog=%s, innodb_flush_log_at_trx_commit=%s, "
					+ "max_connections=%s, innodb_buffer_pool_size=%d MiB", rs.getString(1), replicas,
					(replicas > 1) ? "s" : "",
					rs.getBoolean(8) ? "replica1 semi-synchronous (AFTER_SYNC), the others asynchronous"
							: "asynchronous replication",
					rs.getString(6), rs.getString(7), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getLong(5) / (1024 * 1024));
		}
	}

	@Override
	public String writerUrl() {
		// rw-routing reads a write's GTID in the COMMIT's round trip (COMMIT; SELECT @@last_gtid)
		return this.cluster.primary().jdbcUrl() + "?allowMultiQueries=true";
	}

	@Override
	public String readerUrl(int replica, int socketTimeoutSeconds) {
		String url = this.cluster.replica(replica).jdbcUrl();
		return (socketTimeoutSeconds > 0) ? url + "?socketTimeout=" + socketTimeoutSeconds * 1000 : url;
	}

	@Override
	public String failoverWriterUrl(int timeoutSeconds) {
		// sequential: the first host that accepts; a read-only one refuses writes with error 1290
		MariaDbNode primary = this.cluster.primary();
		MariaDbNode promoted = this.cluster.replica(1);
		return "jdbc:mariadb:sequential://" + MariaDbNode.HOST + ":" + primary.port() + "," + MariaDbNode.HOST + ":"
				+ promoted.port() + "/" + this.cluster.database() + "?allowMultiQueries=true&connectTimeout="
				+ timeoutSeconds * 1000 + "&socketTimeout=" + timeoutSeconds * 1000;
	}

	@Override
	public int replicaPort(int replica) {
		return this.cluster.replica(replica).port();
	}

	@Override
	public String serverPortExpression() {
		return "@@port";
	}

	@Override
	public String isReplicaExpression() {
		return "@@read_only = 1";
	}

	@Override
	public String insertDefaults(String table) {
		return "insert into " + table + " () values ()";
	}

	@Override
	public AutoCloseable lockTable(String table) throws SQLException {
		Connection connection = connectPrimary();
		try (Statement statement = connection.createStatement()) {
			statement.execute("lock tables " + table + " write");
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		return () -> {
			try (connection; Statement statement = connection.createStatement()) {
				statement.execute("unlock tables");
			}
		};
	}

	@Override
	public int waitingForTableLock(String table) throws SQLException {
		try (Connection connection = connectPrimary();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from information_schema.processlist "
						+ "where state like 'Waiting for table%lock' and info like '%" + table + "%'")) {
			result.next();
			return result.getInt(1);
		}
	}

	@Override
	public String username() {
		return this.cluster.username();
	}

	@Override
	public String password() {
		return this.cluster.password();
	}

	@Override
	public DatabaseDialect dialect() {
		return new MariaDbDialect();
	}

	@Override
	public Connection connectPrimary() throws SQLException {
		return this.cluster.primary().connect();
	}

	@Override
	public Connection connectReplica(int replica) throws SQLException {
		return this.cluster.replica(replica).connect();
	}

	@Override
	public String idColumn() {
		return "id bigint auto_increment primary key";
	}

	@Override
	public String readEventAndRole() {
		return "select exists (select 1 from events where client = ? and seq = ?), @@read_only = 1";
	}

	@Override
	public String writePosition() {
		// Read right after the write committed: the primary's binary log position covers that commit.
		return "select @@gtid_binlog_pos";
	}

	@Override
	public String replayCheck() {
		// MASTER_GTID_WAIT with timeout 0 answers at once: 0 when the replica has replayed the position.
		return "select @@gtid_slave_pos, master_gtid_wait(?, 0) = 0, "
				+ "exists (select 1 from events where client = ? and seq = ?)";
	}

	@Override
	public String lagMethod() {
		return "replay gate on the replica: replication SQL thread stopped for the delay, restarted until the "
				+ "replica caught up, and again (a commit waits 0 to the delay, plus the catch-up)";
	}

	@Override
	public void setLag(Duration lag) {
		this.gate.set(lag);
	}

	@Override
	public void awaitReplicaCaughtUp(Duration timeout) {
		this.cluster.awaitReplicasCaughtUp(timeout);
	}

	@Override
	public BenchmarkNode primaryNode() {
		return new Node(this.cluster.node(MariaDbCluster.PRIMARY_NAME));
	}

	@Override
	public BenchmarkNode replicaNode(int replica) {
		return new Node(this.cluster.replica(replica));
	}

	@Override
	public void close() {
		this.gate.close();
		try {
			this.gateThread.join(CATCH_UP_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.cluster.close();
	}

	private record Node(MariaDbNode node) implements BenchmarkNode {

		@Override
		public String name() {
			return this.node.name();
		}

		@Override
		public int port() {
			return this.node.port();
		}

		@Override
		public Connection connect() throws SQLException {
			return this.node.connect();
		}

		@Override
		public void freeze() {
			this.node.freeze();
		}

		@Override
		public void thaw() {
			this.node.thaw();
		}

		@Override
		public boolean isFrozen() {
			return this.node.isFrozen();
		}

		@Override
		public void kill() {
			this.node.kill();
		}

		@Override
		public void start() {
			this.node.start();
		}

		@Override
		public void promote() {
			this.node.promote();
		}

	}

	/**
	 * Millisecond-precise lag on a MariaDB replica: while the lag is not zero, replay is paused (the replication
	 * SQL thread stopped, the IO thread still receiving) for that long, then resumed until the replica has caught
	 * up with the primary, then paused again. A commit becomes visible on the replica between 0 and the lag after
	 * it happened, plus the catch-up; a commit while replay runs, at once.
	 */
	static final class ReplayGate implements Runnable {

		private final MariaDbNode primary;

		private final MariaDbNode replica;

		private final Object lock = new Object();

		private long lagNanos;

		private boolean open = true;

		private boolean closed;

		private Throwable failure;

		ReplayGate(MariaDbNode primary, MariaDbNode replica) {
			this.primary = primary;
			this.replica = replica;
		}

		/**
		 * The next closed phases last this long. {@link Duration#ZERO} ends a closed phase at once and returns
		 * once replay runs again.
		 */
		void set(Duration lag) {
			synchronized (this.lock) {
				checkNotFailed();
				this.lagNanos = lag.toNanos();
				this.lock.notifyAll();
				if (this.lagNanos == 0) {
					long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
					while (!this.open && this.failure == null) {
						long remaining = deadline - System.nanoTime();
						if (remaining <= 0) {
							throw new IllegalStateException("Replay did not resume within " + CATCH_UP_TIMEOUT);
						}
						awaitChange(remaining);
					}
					checkNotFailed();
				}
			}
		}

		void close() {
			synchronized (this.lock) {
				this.closed = true;
				this.lock.notifyAll();
			}
		}

		@Override
		public void run() {
			try {
				while (true) {
					long lag;
					synchronized (this.lock) {
						while (!this.closed && this.lagNanos == 0) {
							awaitChange(Long.MAX_VALUE);
						}
						if (this.closed) {
							return;
						}
						lag = this.lagNanos;
						this.open = false;
					}
					this.replica.pauseReplay();
					synchronized (this.lock) {
						// The closed phase is the lag itself; it ends early only to switch the lag off or to stop.
						long end = System.nanoTime() + lag;
						while (!this.closed && this.lagNanos != 0 && end - System.nanoTime() > 0) {
							awaitChange(end - System.nanoTime());
						}
					}
					this.replica.resumeReplay();
					this.replica.awaitReplay(this.primary.gtidPosition(), CATCH_UP_TIMEOUT);
					synchronized (this.lock) {
						this.open = true;
						this.lock.notifyAll();
					}
				}
			}
			catch (Throwable ex) {
				synchronized (this.lock) {
					this.failure = ex;
					this.lock.notifyAll();
				}
			}
		}

		// Object.wait with the lock held: returns on notifyAll (a change) or after the time.
		private void awaitChange(long nanos) {
			try {
				if (nanos == Long.MAX_VALUE) {
					this.lock.wait();
				}
				else {
					TimeUnit.NANOSECONDS.timedWait(this.lock, nanos);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while the replay gate waited", ex);
			}
		}

		private void checkNotFailed() {
			if (this.failure != null) {
				throw new IllegalStateException("The replay gate failed", this.failure);
			}
		}

	}

}
