package io.github.rwrouting.failover;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;

/**
 * Hibernate's JPA dialect, with failover errors translated to Spring's transient
 * {@link TransientDataAccessResourceException}, as {@link FailoverSqlExceptionTranslator} does for
 * JDBC: Hibernate reports a lost connection as a {@code JDBCConnectionException}, which Spring
 * otherwise translates to a non-transient {@code DataAccessResourceFailureException}.
 *
 * @author rw-routing
 */
public class FailoverHibernateJpaDialect extends HibernateJpaDialect {

	@Override
	public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
		DataAccessException translated = super.translateExceptionIfPossible(ex);
		if (FailoverExceptions.isFailover(ex) && !(translated instanceof TransientDataAccessResourceException)) {
			return new TransientDataAccessResourceException(
					(translated != null) ? translated.getMessage() : String.valueOf(ex.getMessage()), ex);
		}
		return translated;
	}

}
