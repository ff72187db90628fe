package io.github.rwrouting.failover;

import java.sql.SQLTransientConnectionException;

/**
 * A write failed because the writer pool reached a read-only node: after a failover the old primary
 * (or a stale DNS entry) answers the cluster endpoint. The pool's connections are being retired;
 * re-running the transaction reaches the new primary.
 *
 * @author rw-routing
 */
public class WriterDemotedException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param poolName the writer pool
	 * @param cause the database's read-only error
	 */
	public WriterDemotedException(String poolName, Throwable cause) {
		super("The writer pool '" + poolName + "' reached a read-only node (the primary was demoted or DNS is stale); "
				+ "its connections are being retired, retry the transaction", FailoverExceptions.READ_ONLY_SQL_TRANSACTION, cause);
	}

}
