package io.github.rwrouting.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * The {@link DatabaseMetaData} of a routed connection. Asking it does not bind the connection:
 * observability proxies (datasource-micrometer, p6spy) ask right after {@code getConnection()},
 * before the transaction is marked read-only. Plain values come from the database's metadata,
 * learned once from a pool; catalog queries (methods returning a {@link ResultSet}) need a live
 * connection and bind. {@link #getConnection()} is the routed connection, and result sets answer
 * {@code getStatement()} with {@code null}, so the pooled connection never escapes.
 *
 * @author rw-routing
 */
final class RoutedMetaData implements InvocationHandler {

	private final RoutedConnection connection;

	private final PoolDefaults defaults;

	private RoutedMetaData(RoutedConnection connection, PoolDefaults defaults) {
		this.connection = connection;
		this.defaults = defaults;
	}

	static DatabaseMetaData of(RoutedConnection connection, PoolDefaults defaults) {
		return (DatabaseMetaData) Proxy.newProxyInstance(RoutedMetaData.class.getClassLoader(),
				new Class<?>[] { DatabaseMetaData.class }, new RoutedMetaData(connection, defaults));
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		switch (method.getName()) {
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "toString":
				return "RoutedMetaData[" + this.connection + "]";
			case "getConnection":
				return this.connection;
			case "isReadOnly":
				return this.connection.isReadOnly();
			case "unwrap":
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return proxy;
				}
				throw new SQLException("rw-routing's DatabaseMetaData does not unwrap to " + ((Class<?>) args[0]).getName()
						+ ": the driver's metadata would hand out the pooled connection");
			case "isWrapperFor":
				return ((Class<?>) args[0]).isInstance(proxy);
			case "getURL":
				// Frameworks log it; some drivers put the password in it.
				return JdbcUrlSecrets.masked((String) this.defaults.metaData(method, args, this.connection.boundTarget()));
			default:
				if (method.getReturnType() == ResultSet.class) {
					return withoutStatement((ResultSet) invoke(method, args, this.connection.boundMetaData()));
				}
				return this.defaults.metaData(method, args, this.connection.boundTarget());
		}
	}

	private static @Nullable Object invoke(Method method, @Nullable Object[] args, DatabaseMetaData metaData)
			throws Throwable {
		try {
			return method.invoke(metaData, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * A metadata result set whose {@code getStatement()} is {@code null}, as JDBC allows for result
	 * sets not produced by a statement: the driver's statement would lead to the pooled connection.
	 */
	private static @Nullable ResultSet withoutStatement(@Nullable ResultSet resultSet) {
		if (resultSet == null) {
			return null;
		}
		return (ResultSet) Proxy.newProxyInstance(RoutedMetaData.class.getClassLoader(),
				new Class<?>[] { ResultSet.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getStatement" -> null;
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "unwrap" -> {
						if (((Class<?>) args[0]).isInstance(proxy)) {
							yield proxy;
						}
						throw new SQLException("rw-routing's metadata result sets do not unwrap");
					}
					case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy);
					default -> invoke(method, args, resultSet);
				});
	}

	private static @Nullable Object invoke(Method method, @Nullable Object[] args, ResultSet resultSet)
			throws Throwable {
		try {
			return method.invoke(resultSet, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * For {@link RoutedConnection#unwrap}: a driver interface of the pooled connection, usable only
	 * while the routed connection is bound to that pooled connection. Once it went back to its pool
	 * (the transaction ended, the connection closed, or the transaction moved to another pool) every
	 * call fails instead of reaching a connection that now belongs to someone else.
	 */
	static <T> T driverView(Class<T> iface, T driver, RoutedConnection connection, Connection pooled) {
		InvocationHandler handler = (proxy, method, args) -> {
			switch (method.getName()) {
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "rw-routing view of " + iface.getName() + " on " + connection;
				default:
					if (connection.boundTarget() != pooled) {
						String message = "The pooled connection behind this " + iface.getSimpleName()
								+ " was given back to its pool when its transaction ended or its connection closed;"
								+ " unwrap the connection again while it is in use";
						for (Class<?> declared : method.getExceptionTypes()) {
							if (declared.isAssignableFrom(SQLException.class)) {
								throw new SQLException(message, "08003");
							}
						}
						throw new IllegalStateException(message);
					}
					try {
						return method.invoke(driver, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
			}
		};
		ClassLoader classLoader = (iface.getClassLoader() != null) ? iface.getClassLoader()
				: RoutedMetaData.class.getClassLoader();
		return iface.cast(Proxy.newProxyInstance(classLoader, new Class<?>[] { iface }, handler));
	}

}
