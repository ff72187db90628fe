package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;


/**
 * The one place that knows a database's SQL for role, replication position and lag. Everything
 * else speaks of nodes, positions and lags.
 *
 * @author rw-routing
 */
public interface DatabaseDialect {

	/**
	 * The dialect's name, as set with {@code rw-routing.dialect}.
	 * @return the name
	 */
	String name();

	/**
	 * Poll a node: its role, position and, where the database reports it, its lag.
	 * @param connection a monitoring connection to the node
	 * @return what was found
	 * @throws SQLException if the node could not be polled
	 */
	NodeProbe probe(Connection connection) throws SQLException;

	/**
	 * The commit position of the newest write, read on the writer connection right after COMMIT (one
	 * round trip): a safe upper bound of the transaction's own commit record.
	 * @param connection the writer connection, in auto-commit mode
	 * @return the position with the writer's timeline, or {@link ReplicationPosition#UNKNOWN} when
	 * the database has none
	 * @throws SQLException if it could not be read
	 */
	ReplicationPosition commitPosition(Connection connection) throws SQLException;

	/**
	 * Commit the transaction open on a writer connection and read its commit position, in one round
	 * trip where the database allows it. The connection is in auto-commit mode false before and
	 * after, with no transaction open after.
	 * @param connection the writer connection, in a transaction that wrote
	 * @return the position with the writer's timeline, or {@link ReplicationPosition#UNKNOWN} when
	 * the database has none
	 * @throws SQLException if the commit failed, or the connection failed so that whether it
	 * committed is unknown
	 */
	ReplicationPosition commitWithPosition(Connection connection) throws SQLException;

	/**
	 * The position a replica has replayed, with the timeline it replayed it on (a lower bound of it
	 * where the database cannot tell exactly: an older timeline is never trusted with a newer
	 * one's writes, so a lower bound errs on the safe side).
	 * @param connection a connection to the replica, in auto-commit mode
	 * @return the position, or {@link ReplicationPosition#UNKNOWN} when the database has none
	 * @throws SQLException if it could not be read
	 */
	ReplicationPosition replayPosition(Connection connection) throws SQLException;

	/**
	 * The position a replica has replayed (as {@link #replayPosition(Connection)}) and, in the same
	 * round trip where the database tells it, its lag then: asked by a read that must see a write,
	 * so that a replica found without it is judged by how far behind it was, not taken to stand
	 * still.
	 * @param connection a connection to the replica, in auto-commit mode
	 * @return the position and the lag; by default the lag is {@link ReplayCheck#UNKNOWN_LAG}
	 * @throws SQLException if it could not be read
	 */
	default ReplayCheck replayCheck(Connection connection) throws SQLException {
		return new ReplayCheck(replayPosition(connection), ReplayCheck.UNKNOWN_LAG);
	}

	/**
	 * The cluster and timeline a node belongs to.
	 * @param connection a connection to the node
	 * @return the identity
	 * @throws SQLException if it could not be read
	 */
	ClusterIdentity identity(Connection connection) throws SQLException;

	/**
	 * Whether a write whose commit position is unknown may be taken as replayed on a replica from
	 * its commit time and the replica's lag as the monitor measured it. Not where the lag is
	 * measured by counting transactions (MySQL's GTID sets, MariaDB's sequence sum across
	 * domains): a replica that applies out of commit order reaches the count while it still misses
	 * an earlier transaction, so such writes are read on the writer.
	 * @return {@code true} where the lag is measured in commit time
	 */
	default boolean trustsCommitTime() {
		return true;
	}

	/**
	 * Whether a connection to a replica reports, without a round trip, that its server is no longer
	 * a standby: promoted since the connection last heard from it. Asked when a read binds to a
	 * reader connection, after the first statement of a read on it and when the read gives it back,
	 * so it must cost no round trip, allocation or reflection.
	 * @param connection a pooled reader connection
	 * @return {@code true} only when the connection reports that its server left recovery;
	 * {@code false} when it reports a standby, or when the database or driver reports nothing of the
	 * kind (then only the monitor's polls see a promotion)
	 */
	default boolean reportsLeftRecovery(Connection connection) {
		return false;
	}

	/**
	 * Driver properties that bound how long connecting to a node may take, so that a frozen node
	 * cannot hold a monitoring thread.
	 * @param timeout the monitor's timeout
	 * @return driver properties
	 */
	Properties monitorConnectionProperties(Duration timeout);

}
