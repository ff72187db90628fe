package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.rwrouting.test.PostgresCluster;
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

	static PostgresBenchmarkCluster start(int maxConnections) {
		return new PostgresBenchmarkCluster(PostgresCluster.builder()
			.replicas(1)
			.setting("max_connections", Integer.toString(maxConnections))
			.start());
	}

	@Override
	public String describe() throws SQLException {
		try (Connection connection = connectPrimary();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select current_setting('server_version'), "
						+ "current_setting('synchronous_commit'), current_setting('fsync'), "
						+ "current_setting('max_connections'), current_setting('shared_buffers')")) {
			rs.next();
			return String.format("PostgreSQL %s, primary + 1 streaming hot standby on 127.0.0.1 (same machine), "
					+ "asynchronous replication, synchronous_commit=%s, fsync=%s, max_connections=%s, "
					+ "shared_buffers=%s", rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5));
		}
	}

	@Override
	public String writerUrl() {
		return this.cluster.primary().jdbcUrl();
	}

	@Override
	public String readerUrl() {
		return this.cluster.replica(1).jdbcUrl();
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
	public Connection connectReplica() throws SQLException {
		return this.cluster.replica(1).connect();
	}

	@Override
	public String[] createEventsTable() {
		return new String[] { "create table events (id bigserial primary key, client int not null, "
				+ "seq int not null, payload text not null)",
				"create unique index events_client_seq on events (client, seq)" };
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
	public void close() {
		this.cluster.close();
	}

}
