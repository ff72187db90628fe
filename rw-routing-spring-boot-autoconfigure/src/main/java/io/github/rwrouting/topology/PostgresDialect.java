package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.springframework.util.ClassUtils;


/**
 * PostgreSQL with streaming replication: role from {@code pg_is_in_recovery()}, position from the
 * WAL (current on a primary, replayed on a standby).
 *
 * @author rw-routing
 */
public class PostgresDialect implements DatabaseDialect {

	/**
	 * The dialect name.
	 */
	public static final String NAME = "postgresql";

	// pgjdbc is optional: without it, PgjdbcParameterStatus is never loaded.
	private static final boolean PGJDBC_PRESENT = ClassUtils.isPresent("org.postgresql.PGConnection",
			PostgresDialect.class.getClassLoader());

	private static final String CLUSTER_ID = "(select system_identifier from pg_control_system())";

	// On a primary: the first part of the current WAL file name, which always names the server's
	// current timeline.
	private static final String PRIMARY_TIMELINE = "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))"
			+ "::bit(32)::int";

	// On a standby (where pg_walfile_name() fails): the timeline being streamed, whose history holds
	// everything the standby has replayed (it streams a newer timeline only once it has replayed the
	// older one up to the fork). When not streaming, or for a role without pg_read_all_stats (which
	// sees no received_tli), the newer of the timelines of its last restartpoint and of its minimum
	// recovery point: both were replayed, so neither is newer than what it replays now.
	private static final String STANDBY_TIMELINE = "coalesce((select received_tli from pg_stat_wal_receiver "
			+ "where status = 'streaming'), greatest((select timeline_id from pg_control_checkpoint()), "
			+ "(select min_recovery_end_timeline from pg_control_recovery())))";

	private static final String TIMELINE = "case when pg_is_in_recovery() then " + STANDBY_TIMELINE + " else "
			+ PRIMARY_TIMELINE + " end";

	// pg_current_wal_lsn() fails on a standby, hence the CASE.
	private static final String POSITION = "pg_wal_lsn_diff(case when pg_is_in_recovery() "
			+ "then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, '0/0')::bigint";

	// One round trip: role, position, cluster and timeline.
	private static final String PROBE = "select pg_is_in_recovery(), " + POSITION + ", " + CLUSTER_ID + ", "
			+ TIMELINE;

	// With synchronous_commit off the commit record may not be flushed yet: only the insert position
	// is a safe bound then. Otherwise the flush position is, and it is much tighter under concurrent
	// writers (more reads qualify for a replica). The timeline comes from the same statement, so a
	// promotion between the commit and a later poll cannot mislabel it. NULL rather than an error on
	// a standby.
	private static final String COMMIT_POSITION = "select case when pg_is_in_recovery() then null else "
			+ "pg_wal_lsn_diff(case when current_setting('synchronous_commit') = 'off' then "
			+ "pg_current_wal_insert_lsn() else pg_current_wal_flush_lsn() end, '0/0')::bigint end, "
			+ "case when pg_is_in_recovery() then null else " + PRIMARY_TIMELINE + " end";

	// Sent together, answered together: the server finishes a COMMIT (flushed, and waited for by
	// synchronous standbys) before it runs the next statement of the same batch.
	private static final String COMMIT_THEN_POSITION = "commit; " + COMMIT_POSITION;

	private static final String REPLAY_POSITION = "select " + POSITION + ", " + TIMELINE;

	// The time since the commit of the last transaction the standby replayed, in microseconds, by
	// the standby's clock against the primary's commit timestamps; NULL on a primary, and on a
	// standby that has replayed no transaction since it started.
	private static final String REPLAY_LAG = "case when pg_is_in_recovery() then (extract(epoch from now() - "
			+ "pg_last_xact_replay_timestamp()) * 1000000)::bigint end";

	// What a read that must see a write asks its replica: position and lag in one round trip.
	private static final String REPLAY_CHECK = REPLAY_POSITION + ", " + REPLAY_LAG;

	private static final String IDENTITY = "select " + CLUSTER_ID + ", " + TIMELINE;

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public NodeProbe probe(Connection connection) throws SQLException {
		return query(connection, PROBE, (result) -> {
			boolean inRecovery = result.getBoolean(1);
			long position = result.getLong(2);
			if (result.wasNull()) {
				position = NodeProbe.UNKNOWN;
			}
			long clusterId = result.getLong(3);
			int timeline = result.getInt(4);
			ClusterIdentity identity = result.wasNull() ? null : new ClusterIdentity(clusterId, timeline);
			return new NodeProbe(inRecovery ? NodeRole.REPLICA : NodeRole.PRIMARY, position, NodeProbe.UNKNOWN,
					identity);
		});
	}

	@Override
	public ReplicationPosition commitPosition(Connection connection) throws SQLException {
		return queryPosition(connection, COMMIT_POSITION);
	}

	@Override
	public ReplicationPosition commitWithPosition(Connection connection) throws SQLException {
		ReplicationPosition position = ReplicationPosition.UNKNOWN;
		try (PreparedStatement statement = connection.prepareStatement(COMMIT_THEN_POSITION)) {
			statement.execute();
			if (statement.getMoreResults()) {
				try (ResultSet result = statement.getResultSet()) {
					if (result.next()) {
						position = position(result);
					}
				}
			}
		}
		// An error here after the COMMIT went through can only be a lost connection (the query fails
		// neither on a primary nor on a standby), which reports the commit's outcome as unknown anyway.
		// The server's transaction is over; this ends it for the driver and the pool too, without a
		// round trip.
		connection.commit();
		return position;
	}

	@Override
	public ReplicationPosition replayPosition(Connection connection) throws SQLException {
		return queryPosition(connection, REPLAY_POSITION);
	}

	@Override
	public ReplayCheck replayCheck(Connection connection) throws SQLException {
		ReplayCheck check = query(connection, REPLAY_CHECK, (result) -> {
			ReplicationPosition position = position(result);
			long lagMicros = result.getLong(3);
			return new ReplayCheck(position,
					result.wasNull() ? ReplayCheck.UNKNOWN_LAG : TimeUnit.MICROSECONDS.toNanos(Math.max(0, lagMicros)));
		});
		return (check != null) ? check : ReplayCheck.UNKNOWN;
	}

	@Override
	public ClusterIdentity identity(Connection connection) throws SQLException {
		return query(connection, IDENTITY, (result) -> new ClusterIdentity(result.getLong(1), result.getInt(2)));
	}

	private static ReplicationPosition queryPosition(Connection connection, String sql) throws SQLException {
		ReplicationPosition position = query(connection, sql, PostgresDialect::position);
		return (position != null) ? position : ReplicationPosition.UNKNOWN;
	}

	/**
	 * A position from a row of (WAL bytes, timeline), either of them possibly NULL.
	 */
	private static ReplicationPosition position(ResultSet result) throws SQLException {
		long offset = result.getLong(1);
		boolean noOffset = result.wasNull();
		int timeline = result.getInt(2);
		if (noOffset || result.wasNull()) {
			return ReplicationPosition.UNKNOWN;
		}
		return new ReplicationPosition(timeline, offset);
	}

	/**
	 * Run a query and read its first row, or {@code null} when it returns none.
	 */
	static <T> T query(Connection connection, String sql, RowReader<T> reader) throws SQLException {
		// Prepared: the driver keeps it per connection, so a hot query is parsed and planned once
		// (pgjdbc: from its fifth use, unless prepareThreshold says otherwise).
		try (PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet result = statement.executeQuery()) {
			return result.next() ? reader.read(result) : null;
		}
	}

	/**
	 * Reads the current row of a result.
	 */
	@FunctionalInterface
	interface RowReader<T> {

		T read(ResultSet result) throws SQLException;

	}

	/**
	 * PostgreSQL 14 and later report {@code in_hot_standby} to every session, and report its change
	 * to {@code off} with the first ReadyForQuery after a promotion; pgjdbc keeps the latest value per
	 * connection. Unknown (never {@code true}) with another driver or an older server.
	 */
	@Override
	public boolean reportsLeftRecovery(Connection connection) {
		return PGJDBC_PRESENT && PgjdbcParameterStatus.reportsNotInHotStandby(connection);
	}

	@Override
	public Properties monitorConnectionProperties(Duration timeout) {
		String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
		Properties properties = new Properties();
		properties.setProperty("connectTimeout", seconds);
		properties.setProperty("loginTimeout", seconds);
		properties.setProperty("socketTimeout", seconds);
		properties.setProperty("ApplicationName", "rw-routing-monitor");
		return properties;
	}

}
