package io.github.rwrouting.failover;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionSystemException;

/**
 * Tells failover errors from the rest, by SQLSTATE anywhere in an exception's cause chain.
 * <ul>
 * <li>class 08 (connection exceptions), including the AWS JDBC wrapper's 08S02 (failover succeeded:
 * re-run the transaction) and 08007 (transaction resolution unknown);</li>
 * <li>57P01, 57P02, 57P03: the server is shutting down, crashed, or cannot accept connections yet;</li>
 * <li>25S03: MariaDB Connector/J reconnected in an HA mode and the open transaction was lost;</li>
 * <li>MariaDB and MySQL: error 1927 (connection killed, which MariaDB Connector/J reports as an
 * {@code SQLTimeoutException} with SQLSTATE 70100), 1053 (server shutdown in progress), and the client
 * errors 2006 and 2013 (server gone, connection lost during a query);</li>
 * <li>a {@link WriterDemotedException}: the writer pool reached a read-only node.</li>
 * </ul>
 * It is also the one place that knows which errors mean "this node is read-only": PostgreSQL's SQLSTATE
 * 25006, MariaDB's and MySQL's errors 1290 ({@code --read-only}, {@code --super-read-only}) and 1836
 * (MySQL's read-only mode). Both families are told apart by the error itself, not by the dialect: the
 * first write of an application may fail before the monitor has detected a dialect (or with the monitor
 * off), and pgjdbc never sets a vendor code, so a MySQL error code cannot be mistaken for a PostgreSQL
 * one.
 *
 * @author rw-routing
 */
public final class FailoverExceptions {

	/**
	 * SQLSTATE transaction_resolution_unknown: the connection was lost while committing.
	 */
	public static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";

	/**
	 * SQLSTATE read_only_sql_transaction: a write on a hot standby or in a read-only transaction.
	 */
	public static final String READ_ONLY_SQL_TRANSACTION = "25006";

	// MariaDB and MySQL ER_OPTION_PREVENTS_STATEMENT: with "--read-only" (or "--super-read-only") in its
	// message a write on a read-only server; with another option ("--secure-file-priv") it is not.
	private static final int MYSQL_OPTION_PREVENTS_STATEMENT = 1290;

	// MySQL ER_READ_ONLY_MODE.
	private static final int MYSQL_READ_ONLY_MODE = 1836;

	// MariaDB ER_CONNECTION_KILLED (SQLSTATE 70100, shared with a query interrupted by KILL QUERY or
	// max_statement_time, which are not failovers: only the code tells them apart).
	private static final int MYSQL_CONNECTION_KILLED = 1927;

	// MariaDB Connector/J's HA modes (sequential, loadbalance, replication) reconnect by themselves after
	// a connection loss and report a transaction that was open as lost with this SQLSTATE: the server
	// rolled it back, so it may run again (a loss during COMMIT becomes 08007 in RoutedConnection first).
	private static final String MARIADB_TRANSACTION_LOST_ON_RECONNECT = "25S03";

	// MariaDB and MySQL ER_SERVER_SHUTDOWN (SQLSTATE 08S01).
	private static final int MYSQL_SERVER_SHUTDOWN = 1053;

	// The MySQL client's CR_SERVER_GONE_ERROR and CR_SERVER_LOST.
	private static final int MYSQL_CLIENT_SERVER_GONE = 2006;

	private static final int MYSQL_CLIENT_SERVER_LOST = 2013;

	private FailoverExceptions() {
	}

	/**
	 * Whether a statement was refused because the server is read-only: PostgreSQL's SQLSTATE 25006
	 * (a hot standby, or a read-only transaction), MariaDB's and MySQL's error 1290 naming the
	 * {@code --read-only} or {@code --super-read-only} option, and MySQL's error 1836. On the writer
	 * pool outside a read-only transaction it means the pool reached a node that is no longer the
	 * primary.
	 * @param ex the error
	 * @return {@code true} if the server refused the statement as read-only
	 */
	public static boolean isReadOnlyRefusal(SQLException ex) {
		if (READ_ONLY_SQL_TRANSACTION.equals(ex.getSQLState())) {
			return true;
		}
		int code = ex.getErrorCode();
		if (code == MYSQL_READ_ONLY_MODE) {
			return true;
		}
		if (code == MYSQL_OPTION_PREVENTS_STATEMENT) {
			String message = ex.getMessage();
			return message != null && message.contains("read-only");
		}
		return false;
	}

	/**
	 * Whether an exception comes from a failover (or a node going away).
	 * @param ex the exception
	 * @return {@code true} if it does
	 */
	public static boolean isFailover(@Nullable Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (cause instanceof WriterDemotedException) {
				return true;
			}
			if (cause instanceof SQLException sqlException && (isFailoverState(sqlException.getSQLState())
					|| isConnectionLostCode(sqlException.getErrorCode()))) {
				return true;
			}
			// A rollback that fails on the dead connection hides the error that killed it.
			if (cause instanceof TransactionSystemException transactionFailure
					&& isFailover(transactionFailure.getApplicationException())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether an error means the connection is gone: a connection exception, or a failover state.
	 * @param ex the error
	 * @return {@code true} if the connection cannot be used any more
	 */
	public static boolean isConnectionFailure(SQLException ex) {
		return ex instanceof SQLNonTransientConnectionException || ex instanceof SQLTransientConnectionException
				|| ex instanceof SQLRecoverableException || isFailoverState(ex.getSQLState())
				|| isConnectionLostCode(ex.getErrorCode());
	}

	/**
	 * Whether a vendor code is a MariaDB or MySQL error or client error that means the connection is
	 * gone: 1927, 1053, 2006, 2013 (pgjdbc's vendor code is always 0).
	 */
	private static boolean isConnectionLostCode(int code) {
		return code == MYSQL_CONNECTION_KILLED || code == MYSQL_SERVER_SHUTDOWN || code == MYSQL_CLIENT_SERVER_GONE
				|| code == MYSQL_CLIENT_SERVER_LOST;
	}

	/**
	 * Whether an SQLSTATE is a failover state.
	 * @param state the SQLSTATE, or {@code null}
	 * @return {@code true} for class 08, 57P01-57P03 and 25S03
	 */
	public static boolean isFailoverState(@Nullable String state) {
		return state != null && (state.startsWith("08") || "57P01".equals(state) || "57P02".equals(state)
				|| "57P03".equals(state) || MARIADB_TRANSACTION_LOST_ON_RECONNECT.equals(state));
	}

	/**
	 * Whether a failure leaves it unknown if the transaction committed: SQLSTATE 08007, which
	 * rw-routing also raises when the connection is lost during COMMIT. Re-running such a transaction
	 * may apply it twice.
	 * @param ex the exception
	 * @return {@code true} if the commit outcome is unknown
	 */
	public static boolean isCommitOutcomeUnknown(@Nullable Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (cause instanceof SQLException sqlException
					&& TRANSACTION_RESOLUTION_UNKNOWN.equals(sqlException.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable ex) {
		Throwable cause = ex.getCause();
		return (cause != ex) ? cause : null;
	}

}
