package io.github.rwrouting.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Statements on a reader connection, so that a write attempted there fails with an error that says
 * the transaction was routed to a replica, instead of the database's bare "read-only transaction".
 *
 * @author rw-routing
 */
final class ReadOnlyRouteStatements {

	/**
	 * SQLSTATE read_only_sql_transaction: PostgreSQL on a hot standby or in a read-only transaction,
	 * MySQL/MariaDB use it for {@code --read-only} too.
	 */
	private static final String READ_ONLY_SQL_TRANSACTION = "25006";

	private ReadOnlyRouteStatements() {
	}

	static <S extends Statement> S guard(S statement, Class<S> type, Connection connection, Route route) {
		return type.cast(Proxy.newProxyInstance(ReadOnlyRouteStatements.class.getClassLoader(), new Class<?>[] { type },
				new Handler(statement, connection, route)));
	}

	static SQLException readOnlyRouteViolation(SQLException ex, Route route) {
		return new SQLException("rw-routing ran this read-only transaction on replica '" + route.poolName()
				+ "', which refused a write: " + ex.getMessage() + ". Nothing was written. Run writes in a "
				+ "read-write transaction (@Transactional without readOnly = true).", READ_ONLY_SQL_TRANSACTION,
				ex.getErrorCode(), ex);
	}

	private static final class Handler implements InvocationHandler {

		private final Statement target;

		private final Connection connection;

		private final Route route;

		Handler(Statement target, Connection connection, Route route) {
			this.target = target;
			this.connection = connection;
			this.route = route;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "ReadOnlyRouteStatement[" + this.route.poolName() + "]: " + this.target;
				case "getConnection":
					return this.connection;
				case "unwrap":
					return (((Class<?>) args[0]).isInstance(proxy)) ? proxy : this.target.unwrap((Class<?>) args[0]);
				case "isWrapperFor":
					return ((Class<?>) args[0]).isInstance(proxy) || this.target.isWrapperFor((Class<?>) args[0]);
				default:
					try {
						return method.invoke(this.target, args);
					}
					catch (InvocationTargetException ex) {
						Throwable cause = ex.getTargetException();
						if (cause instanceof SQLException sqlException
								&& READ_ONLY_SQL_TRANSACTION.equals(sqlException.getSQLState())) {
							throw readOnlyRouteViolation(sqlException, this.route);
						}
						throw cause;
					}
			}
		}

	}

}
