package io.github.rwrouting.routing;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.consistency.SqlStatements;
import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.WriterDemotedException;
import org.jspecify.annotations.Nullable;

/**
 * Statements of a routed connection, where a plain pooled statement is not enough.
 * <p>
 * On a reader:
 * <ul>
 * <li>a write attempted on the replica fails with an error that says the transaction was routed to
 * a replica, not the database's bare "read-only transaction";</li>
 * <li>when the transaction's first statement finds the replica gone (a pooled connection to a node
 * that died or was stopped), the transaction moves to the writer and the statement runs there, so a
 * dead reader never fails a read. Nothing has run in the transaction yet, so this is safe.</li>
 * </ul>
 * On the writer, they note whether the transaction wrote, so that the commit position is captured
 * only after transactions that did, and they turn a read-only error outside a read-only transaction
 * into a {@link WriterDemotedException}: the writer pool reached a demoted node, whose connections
 * are then retired.
 *
 * @author rw-routing
 */
final class RoutedStatements {

	// One proxy class per statement type, looked up once: Proxy.newProxyInstance would look it up
	// (and allocate its key) for every statement.
	private static final Constructor<?> STATEMENT = proxyConstructor(Statement.class);

	private static final Constructor<?> PREPARED_STATEMENT = proxyConstructor(PreparedStatement.class);

	private static final Constructor<?> CALLABLE_STATEMENT = proxyConstructor(CallableStatement.class);

	private RoutedStatements() {
	}

	static <S extends Statement> S wrap(RoutedConnection connection, Route route, Class<S> type, S statement,
			@Nullable String sql, StatementFactory<S> factory) {
		Constructor<?> constructor = (type == CallableStatement.class) ? CALLABLE_STATEMENT
				: (type == PreparedStatement.class) ? PREPARED_STATEMENT : STATEMENT;
		try {
			return type.cast(constructor.newInstance(new Handler<>(connection, route, statement, sql, factory)));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Could not create a statement proxy", ex);
		}
	}

	private static Constructor<?> proxyConstructor(Class<? extends Statement> type) {
		try {
			return Proxy
				.newProxyInstance(RoutedStatements.class.getClassLoader(), new Class<?>[] { type },
						(proxy, method, args) -> null)
				.getClass()
				.getConstructor(InvocationHandler.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether an execution may have written: updates and batches always, {@code execute} and
	 * {@code executeQuery} unless their SQL only reads.
	 */
	static boolean mayWrite(String method, @Nullable Object[] args, @Nullable String preparedSql) {
		if (!method.equals("execute") && !method.equals("executeQuery")) {
			return true;
		}
		String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : preparedSql;
		return sql == null || !SqlStatements.isRead(sql);
	}

	static SQLException readOnlyRouteViolation(SQLException ex, Route route) {
		return new SQLException("rw-routing ran this read-only transaction on replica '" + route.poolName()
				+ "', which refused a write: " + ex.getMessage() + ". Nothing was written. Run writes in a "
				+ "read-write transaction (@Transactional without readOnly = true).",
				FailoverExceptions.READ_ONLY_SQL_TRANSACTION,
				ex.getErrorCode(), ex);
	}

	/**
	 * Creates the same statement again on another connection.
	 */
	@FunctionalInterface
	interface StatementFactory<S extends Statement> {

		S create(Connection connection) throws SQLException;

	}

	private static final class Handler<S extends Statement> implements InvocationHandler {

		private final RoutedConnection connection;

		private final StatementFactory<S> factory;

		private final @Nullable String sql;

		private Route route;

		private S target;

		// Calls made before the first execution (parameters, batches), to replay on the writer;
		// created on the first such call.
		private boolean recording;

		private @Nullable List<Object[]> recorded;

		Handler(RoutedConnection connection, Route route, S target, @Nullable String sql,
				StatementFactory<S> factory) {
			this.connection = connection;
			this.route = route;
			this.target = target;
			this.sql = sql;
			this.factory = factory;
			this.recording = route.isReader() && connection.isFirstStatementPending();
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			switch (name) {
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "RoutedStatement[" + this.route.poolName() + "]: " + this.target;
				case "getConnection":
					return this.connection;
				case "unwrap":
					return ((Class<?>) args[0]).isInstance(proxy) ? proxy : this.target.unwrap((Class<?>) args[0]);
				case "isWrapperFor":
					return ((Class<?>) args[0]).isInstance(proxy) || this.target.isWrapperFor((Class<?>) args[0]);
				default:
					return name.startsWith("execute") ? execute(method, args) : call(method, args);
			}
		}

		private Object call(Method method, Object[] args) throws Throwable {
			Object result = invoke(method, args);
			if (this.recording) {
				if (this.recorded == null) {
					this.recorded = new ArrayList<>();
				}
				this.recorded.add(new Object[] { method, args });
			}
			return result;
		}

		private Object execute(Method method, Object[] args) throws Throwable {
			try {
				Object result = invoke(method, args);
				executed(method, args);
				return result;
			}
			catch (SQLException ex) {
				if (FailoverExceptions.READ_ONLY_SQL_TRANSACTION.equals(ex.getSQLState())) {
					if (this.route.isReader()) {
						throw readOnlyRouteViolation(ex, this.route);
					}
					if (this.connection.writerDemoted()) {
						throw new WriterDemotedException(this.route.poolName(), ex);
					}
				}
				Connection writer = (this.recording && FailoverExceptions.isConnectionFailure(ex))
						? this.connection.readerFailed(ex) : null;
				if (writer == null) {
					throw ex;
				}
				moveTo(writer);
				Object result = invoke(method, args);
				executed(method, args);
				return result;
			}
		}

		private void executed(Method method, Object[] args) throws SQLException {
			if (this.route.isReader()) {
				this.recording = false;
				this.recorded = null;
				this.connection.firstStatementExecuted();
			}
			else if (this.connection.tracksWrites() && mayWrite(method.getName(), args, this.sql)) {
				this.connection.wrote();
			}
		}

		private void moveTo(Connection writer) throws Throwable {
			S replacement = this.factory.create(writer);
			S previous = this.target;
			this.target = replacement;
			this.route = this.connection.route();
			List<Object[]> calls = this.recorded;
			this.recording = false;
			this.recorded = null;
			if (calls != null) {
				for (Object[] call : calls) {
					invoke((Method) call[0], (Object[]) call[1]);
				}
			}
			try {
				previous.close();
			}
			catch (SQLException ex) {
				// the old statement belongs to a dead connection
			}
		}

		private Object invoke(Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

}
