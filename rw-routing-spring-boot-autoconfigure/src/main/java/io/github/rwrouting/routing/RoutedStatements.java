package io.github.rwrouting.routing;

import java.sql.SQLException;

import io.github.rwrouting.failover.FailoverExceptions;

/**
 * The errors of a write that a replica refused, saying where rw-routing sent the work, why, and
 * what to change, instead of the database's bare "cannot execute ... in a read-only transaction".
 * They keep its SQLSTATE ({@code 25006}) and error code, and have it as their cause.
 *
 * @author rw-routing
 */
final class RoutedStatements {

	// MySQL Connector/J refuses a write on a connection set read-only itself, before sending it.
	private static final String MYSQL_CONNECTOR_J_ILLEGAL_ARGUMENT = "S1009";

	private static final String MYSQL_CONNECTOR_J_READ_ONLY = "Connection is read-only";

	private RoutedStatements() {
	}

	/**
	 * Whether an error is a read-only node's or a read-only connection's refusal of a write, so that
	 * nothing was written: SQLSTATE {@code 25006} (PostgreSQL, and MariaDB's and MySQL's write in a
	 * read-only transaction), a MariaDB or MySQL server running read-only, or MySQL Connector/J's own
	 * refusal on a read-only connection.
	 * @param ex the error of a statement on a reader
	 * @return {@code true} if the statement was refused as a write
	 */
	static boolean isWriteRefused(SQLException ex) {
		if (FailoverExceptions.isReadOnlyRefusal(ex)) {
			return true;
		}
		String message = ex.getMessage();
		return MYSQL_CONNECTOR_J_ILLEGAL_ARGUMENT.equals(ex.getSQLState()) && message != null
				&& message.startsWith(MYSQL_CONNECTOR_J_READ_ONLY);
	}

	/**
	 * A replica refused a write: in a read-only transaction, or outside any transaction with
	 * {@code rw-routing.non-transactional=reader}.
	 * @param ex the replica's error
	 * @param reader the reader's route
	 * @param nonTransactional whether the work ran outside a transaction
	 * @return the error to throw
	 */
	static SQLException writeRefused(SQLException ex, Route reader, boolean nonTransactional) {
		if (nonTransactional) {
			return refused(ex, "rw-routing ran this statement outside a transaction on replica '" + reader.poolName()
					+ "' (rw-routing.non-transactional=reader), which refused a write: " + ex.getMessage()
					+ ". Nothing was written. Run writes in a transaction (@Transactional), or set "
					+ "rw-routing.non-transactional=auto (plain reads outside transactions go to replicas, "
					+ "everything else to the writer) or writer.");
		}
		return refused(ex, "rw-routing ran this read-only transaction on replica '" + reader.poolName()
				+ "', which refused a write: " + ex.getMessage() + ". Nothing was written. Run writes in a "
				+ "read-write transaction (@Transactional without readOnly = true).");
	}

	/**
	 * A replica refused a statement that {@code rw-routing.non-transactional=auto} took for a plain
	 * read, and the statement could not run again on the writer.
	 * @param ex the replica's error
	 * @param reader the reader's route
	 * @param why why it could not run again
	 * @return the error to throw
	 */
	static SQLException writeRefusedNotMoved(SQLException ex, Route reader, String why) {
		return refused(ex, "rw-routing ran this statement outside a transaction on replica '" + reader.poolName()
				+ "' as a plain read (rw-routing.non-transactional=auto), which refused a write: " + ex.getMessage()
				+ ". Nothing was written, and it was not run again on the writer because " + why
				+ ". Run it in a transaction (@Transactional), or call a function that writes with "
				+ "{call ...} or CALL so that it is seen as a write.");
	}

	private static SQLException refused(SQLException ex, String message) {
		return new SQLException(message, FailoverExceptions.READ_ONLY_SQL_TRANSACTION, ex.getErrorCode(), ex);
	}

}
