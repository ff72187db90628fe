package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * MariaDB's and MySQL's commit capture: {@code COMMIT} and a {@code SELECT} of the commit position
 * sent as one query where the driver allows several statements in one ({@code allowMultiQueries=true}
 * for MariaDB Connector/J and MySQL Connector/J alike), else the {@code SELECT} in a second round
 * trip, from the first refusal on.
 *
 * @author rw-routing
 */
final class CommitThenRead {

	private static final Log logger = LogFactory.getLog(CommitThenRead.class);

	/** ER_PARSE_ERROR: what the server answers to two statements in one query. */
	private static final int PARSE_ERROR = 1064;

	/** ER_TABLEACCESS_DENIED_ERROR: the SELECT reads a table the user may not read. */
	private static final int TABLE_ACCESS_DENIED = 1142;

	/** ER_NO_SUCH_TABLE: the SELECT reads a table this server lacks. */
	private static final int NO_SUCH_TABLE = 1146;

	/** ER_SPECIFIC_ACCESS_DENIED_ERROR: the SELECT needs a privilege the user lacks. */
	private static final int SPECIFIC_ACCESS_DENIED = 1227;

	private final String select;

	private final String commitThenSelect;

	private final PositionReader reader;

	private volatile boolean multiQueries = true;

	/**
	 * @param select the query of the commit position, read right after the commit on the same
	 * connection
	 * @param reader reads the position from the query's row
	 */
	CommitThenRead(String select, PositionReader reader) {
		this.select = select;
		// Sent as one query: the server finishes COMMIT before it runs the SELECT.
		this.commitThenSelect = "COMMIT; " + select;
		this.reader = reader;
	}

	/**
	 * The commit position, read on a connection in auto-commit mode right after a statement wrote.
	 */
	ReplicationPosition read(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(this.select)) {
			return result.next() ? this.reader.read(result) : ReplicationPosition.UNKNOWN;
		}
	}

	/**
	 * Commit the open transaction and read its position (see
	 * {@link DatabaseDialect#commitWithPosition(Connection)}).
	 */
	ReplicationPosition commit(Connection connection) throws SQLException {
		if (!this.multiQueries) {
			connection.commit();
			return readAfterCommit(connection);
		}
		ReplicationPosition position = ReplicationPosition.UNKNOWN;
		boolean committed = false;
		try (Statement statement = connection.createStatement()) {
			statement.execute(this.commitThenSelect);
			// The first result is the COMMIT's: it ran. Nothing after it may turn into a failed
			// commit (a caller could run the transaction again).
			committed = true;
			if (statement.getMoreResults()) {
				try (ResultSet result = statement.getResultSet()) {
					if (result.next()) {
						position = this.reader.read(result);
					}
				}
			}
		}
		catch (SQLException ex) {
			if (committed || isSelectError(ex.getErrorCode())) {
				// The COMMIT ran; the SELECT failed (a variable another server of the family lacks,
				// before the monitor asked it, or a broken connection after the COMMIT's answer):
				// no position, no failure.
				logger.debug("Commit position not read with COMMIT (SQLSTATE " + ex.getSQLState() + ", error "
						+ ex.getErrorCode() + ")");
				endTransaction(connection);
				return ReplicationPosition.UNKNOWN;
			}
			if (ex.getErrorCode() != PARSE_ERROR) {
				throw ex;
			}
			// The driver sent both statements as one, which the server could not parse: nothing ran,
			// the transaction is still open. From now on two round trips.
			this.multiQueries = false;
			logger.info("rw-routing reads commit positions in a second round trip after each COMMIT: "
					+ "add allowMultiQueries=true to the writer's JDBC URL to read them in the COMMIT's own");
			connection.commit();
			return readAfterCommit(connection);
		}
		// The server's transaction is over; this ends it for the driver and the pool too (MariaDB
		// Connector/J sends nothing when the server reports no transaction open, MySQL Connector/J
		// only with useLocalTransactionState=true).
		endTransaction(connection);
		return position;
	}

	/**
	 * Errors only the SELECT can raise, never the COMMIT before it: whatever the driver reports
	 * them with, the COMMIT ran.
	 */
	static boolean isSelectError(int errorCode) {
		return errorCode == MySqlFamily.UNKNOWN_SYSTEM_VARIABLE || errorCode == TABLE_ACCESS_DENIED
				|| errorCode == NO_SUCH_TABLE || errorCode == SPECIFIC_ACCESS_DENIED;
	}

	private ReplicationPosition readAfterCommit(Connection connection) {
		// The COMMIT succeeded: nothing after it may turn into a failed commit (a caller could run the
		// transaction again). A position that cannot be read is unknown (the token keeps the commit
		// time); a broken connection was already seen by the pool through its statement.
		try {
			return read(connection);
		}
		catch (SQLException ex) {
			// 1193: another server of the family than the dialect.
			logger.debug("Commit position not read after COMMIT (SQLSTATE " + ex.getSQLState() + ", error "
					+ ex.getErrorCode() + ")");
			return ReplicationPosition.UNKNOWN;
		}
		finally {
			// In manual-commit mode the SELECT started a transaction that writes nothing: end it, so
			// the connection goes back to its pool with none open.
			endTransaction(connection);
		}
	}

	// After the COMMIT ran: a failure here is not the commit's (a broken connection was already
	// seen by the pool through its statement).
	private static void endTransaction(Connection connection) {
		try {
			connection.commit();
		}
		catch (SQLException ex) {
			logger.debug("Ending the transaction after COMMIT failed (SQLSTATE " + ex.getSQLState() + ")");
		}
	}

	/**
	 * Whether commit positions are read in the COMMIT's own round trip; {@code false} once the
	 * driver refused.
	 */
	boolean readsPositionWithCommit() {
		return this.multiQueries;
	}

	/**
	 * Reads the commit position from the current row of the query's result.
	 */
	@FunctionalInterface
	interface PositionReader {

		ReplicationPosition read(ResultSet result) throws SQLException;

	}

}
