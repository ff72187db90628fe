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
 * <li>a {@link WriterDemotedException}: the writer pool reached a read-only node.</li>
 * </ul>
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

	private FailoverExceptions() {
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
			if (cause instanceof SQLException sqlException && isFailoverState(sqlException.getSQLState())) {
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
				|| ex instanceof SQLRecoverableException || isFailoverState(ex.getSQLState());
	}

	/**
	 * Whether an SQLSTATE is a failover state.
	 * @param state the SQLSTATE, or {@code null}
	 * @return {@code true} for class 08 and 57P01-57P03
	 */
	public static boolean isFailoverState(@Nullable String state) {
		return state != null && (state.startsWith("08") || "57P01".equals(state) || "57P02".equals(state)
				|| "57P03".equals(state));
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
