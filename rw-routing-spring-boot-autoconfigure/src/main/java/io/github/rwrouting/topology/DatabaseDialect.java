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
	 * Driver properties that bound how long connecting to a node may take, so that a frozen node
	 * cannot hold a monitoring thread.
	 * @param timeout the monitor's timeout
	 * @return driver properties
	 */
	Properties monitorConnectionProperties(Duration timeout);

}
