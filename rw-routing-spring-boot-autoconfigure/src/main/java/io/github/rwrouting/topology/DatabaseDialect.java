package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import io.github.rwrouting.consistency.ClusterIdentity;

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
	 * @return the position, or {@link NodeProbe#UNKNOWN} when the database has none
	 * @throws SQLException if it could not be read
	 */
	long commitPosition(Connection connection) throws SQLException;

	/**
	 * Commit the transaction open on a writer connection and read its commit position, in one round
	 * trip where the database allows it. The connection is in auto-commit mode false before and
	 * after, with no transaction open after.
	 * @param connection the writer connection, in a transaction that wrote
	 * @return the position, or {@link NodeProbe#UNKNOWN} when the database has none
	 * @throws SQLException if the commit failed, or the connection failed so that whether it
	 * committed is unknown
	 */
	long commitWithPosition(Connection connection) throws SQLException;

	/**
	 * The position a replica has replayed.
	 * @param connection a connection to the replica, in auto-commit mode
	 * @return the position, or {@link NodeProbe#UNKNOWN} when the database has none
	 * @throws SQLException if it could not be read
	 */
	long replayPosition(Connection connection) throws SQLException;

	/**
	 * The cluster and timeline a node belongs to.
	 * @param connection a connection to the node
	 * @return the identity
	 * @throws SQLException if it could not be read
	 */
	ClusterIdentity identity(Connection connection) throws SQLException;

	/**
	 * Driver properties that bound how long connecting to a node may take, so that a frozen node
	 * cannot hold a monitoring thread.
	 * @param timeout the monitor's timeout
	 * @return driver properties
	 */
	Properties monitorConnectionProperties(Duration timeout);

}
