package io.github.rwrouting.failover;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Translates failover errors ({@link FailoverExceptions#isFailover(Throwable)}) to Spring's
 * {@link TransientDataAccessResourceException}, so that callers and retries can tell "try again"
 * from "wrong"; every other error is translated as Spring does by default.
 *
 * @author rw-routing
 */
public class FailoverSqlExceptionTranslator implements SQLExceptionTranslator {

	private final SQLExceptionTranslator delegate;

	/**
	 * Create a translator.
	 * @param dataSource the data source, for Spring's error-code translation of other errors
	 */
	public FailoverSqlExceptionTranslator(DataSource dataSource) {
		this.delegate = new SQLErrorCodeSQLExceptionTranslator(dataSource);
	}

	@Override
	public @Nullable DataAccessException translate(String task, @Nullable String sql, SQLException ex) {
		if (FailoverExceptions.isFailover(ex)) {
			return new TransientDataAccessResourceException(
					task + "; " + ((sql != null) ? "SQL [" + sql + "]; " : "") + ex.getMessage(), ex);
		}
		return this.delegate.translate(task, sql, ex);
	}

}
