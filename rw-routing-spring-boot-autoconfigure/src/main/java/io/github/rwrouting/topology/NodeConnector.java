package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the monitor's own connection to a node, outside the application's pools so that monitoring
 * neither starves nor is starved by them.
 *
 * @author rw-routing
 */
@FunctionalInterface
public interface NodeConnector {

	/**
	 * Open a connection.
	 * @return a new connection
	 * @throws SQLException if the node cannot be reached
	 */
	Connection connect() throws SQLException;

}
