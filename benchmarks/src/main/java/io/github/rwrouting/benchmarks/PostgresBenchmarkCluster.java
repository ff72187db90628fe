package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.PostgresDialect;

/**
 * A PostgreSQL primary and one asynchronous streaming hot standby; lag from the standby's
 * {@code recovery_min_apply_delay}.
 */
final class PostgresBenchmarkCluster implements BenchmarkCluster {

	private final PostgresCluster cluster;

	private PostgresBenchmarkCluster(PostgresCluster cluster) {
		this.cluster = cluster;
	}

	static PostgresBenchmarkCluster start(int replicas, boolean synchronousReplica, int maxConnections) {
		return new PostgresBenchmarkCluster(PostgresCluster.builder()
			.replicas(replicas)
			.synchronousStandby(synchronousReplica)
			.setting("max_connections", Integer.toString(maxConnections))
			.start());
	}

	@Override
	public String describe() throws SQLException {
		try (Connection connection = connectPrimary();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select current_setting('server_version'), "
						+ "current_setting('synchronous_commit'), current_setting('fsync'), "
						+ "current_setting('max_connections'), current_setting('shared_buffers'), "
						+ "current_setting('synchronous_standby_names')")) {
			rs.next();
			int replicas = this.cluster.replicas().size();
			return String.format("PostgreSQL %s, primary + %d streaming hot standby%s on 127.0.0.1 (same machine), "
					+ "%s, synchronous_commit=%s, fsync=%s, max_connections=%s, shared_buffers=%s", rs.getString(1),
					replicas, (replicas > 1) ? "s" : "",
					rs.getString(6).isEmpty() ? "asynchronous replication"
							: "synchronous_standby_names='" + rs.getString(6) + "'",
					rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
		}
	}

	@Override
	public String writerUrl() {
		return this.cluster.primary().jdbcUrl();
	}

	@Override
	public String readerUrl(int replica, int socketTimeoutSeconds) {
		String url = this.cluster.replica(replica).jdbcUrl();
		return (socketTimeoutSeconds > 0) ? url + "?socketTimeout=" + socketTimeoutSeconds : url;
	}

	@Override
	public String failoverWriterUrl(int timeoutSeconds) {
		PostgresNode primary = this.cluster.primary();
		PostgresNode promoted = this.cluster.replica(1);
		return "jdbc:postgresql://" + PostgresNode.HOST + ":" + primary.port() + "," + PostgresNode.HOST + ":"
				+ promoted.port() + "/" + this.cluster.database() + "?targetServerType=primary&socketTimeout="
				+ timeoutSeconds + "&connectTimeout=" + timeoutSeconds + "&loginTimeout=" + timeoutSeconds;
	}

	@Override
	public int replicaPort(int replica) {
		return this.cluster.replica(replica).port();
	}

	@Override
	public String serverPortExpression() {
		return "inet_server_port()";
	}

	@Override
	public String isReplicaExpression() {
		return "pg_is_in_recovery()";
	}

	@Override
	public String insertDefaults(String table) {
		return "insert into " + table + " default values";
	}

	@Override
	public AutoCloseable lockTable(String table) throws SQLException {
		Connection connection = connectPrimary();
		try {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("lock table " + table + " in access exclusive mode");
			}
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		return () -> {
			try (connection) {
				connection.commit(); // ends the transaction, and the lock with it
			}
		};
	}

	@Override
	public int waitingForTableLock(String table) throws SQLException {
		try (Connection connection = connectPrimary();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from pg_locks where relation = '" + table
						+ "'::regclass and not granted")) {
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
		return new PostgresDialect();
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
		return "id bigserial primary key";
	}

	@Override
	public String readEventAndRole() {
		return "select exists (select 1 from events where client = ? and seq = ?), pg_is_in_recovery()";
	}

	@Override
	public String writePosition() {
		// Read right after the write committed: at or past its commit record, like the library's own capture.
		return "select pg_current_wal_flush_lsn()::text";
	}

	@Override
	public String replayCheck() {
		// Also whether the row itself is visible there: the position is a stricter test, as it also covers
		// the commits other clients made between this commit and reading the position.
		return "select pg_last_wal_replay_lsn()::text, pg_last_wal_replay_lsn() >= ?::pg_lsn, "
				+ "exists (select 1 from events where client = ? and seq = ?)";
	}

	@Override
	public String lagMethod() {
		return "recovery_min_apply_delay on the replica (each commit applied that long after it happened)";
	}

	@Override
	public void setLag(Duration lag) {
		this.cluster.replica(1).setApplyDelay(lag);
	}

	@Override
	public void awaitReplicaCaughtUp(Duration timeout) {
		this.cluster.awaitReplicasCaughtUp(timeout);
	}

	@Override
	public BenchmarkNode primaryNode() {
		return new Node(this.cluster.node(PostgresCluster.PRIMARY_NAME));
	}

	@Override
	public BenchmarkNode replicaNode(int replica) {
		return new Node(this.cluster.replica(replica));
	}

	@Override
	public void close() {
		this.cluster.close();
	}

	private record Node(PostgresNode node) implements BenchmarkNode {

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

}
