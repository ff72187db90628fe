package io.github.rwrouting.routing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.UtilityElf;
import org.jspecify.annotations.Nullable;

/**
 * What a fresh pooled connection looks like, so that a routed connection that has not bound to a
 * pool yet can answer getters, {@link DatabaseMetaData} and {@code isWrapperFor} without binding:
 * binding before the transaction is marked read-only would send a read-only transaction to the
 * writer. Learned once per pool from one connection borrowed and given straight back (the pool's
 * configuration answers the isolation level without a connection when it sets one); each value of
 * the database's metadata is learned once, from the bound pooled connection, else from one borrowed
 * from the writer pool, else from a reader.
 *
 * @author rw-routing
 */
final class PoolDefaults {

	static final int UNSET = -1;

	private static final Object NULL = new Object();

	private final ReadRoutePlanner planner;

	private final Map<Route, PoolSnapshot> snapshots = new IdentityHashMap<>();

	private final Map<Object, Object> metaData = new ConcurrentHashMap<>();

	private final Map<Class<?>, Boolean> wrapperFor = new ConcurrentHashMap<>();

	PoolDefaults(ReadRoutePlanner planner) {
		this.planner = planner;
		this.snapshots.put(planner.writer(), new PoolSnapshot(planner.writer(), this));
		for (Route reader : planner.readers()) {
			this.snapshots.put(reader, new PoolSnapshot(reader, this));
		}
	}

	/**
	 * The pool a connection that has not bound yet is expected to bind to: a reader for read-only
	 * work, else the writer.
	 */
	PoolSnapshot expected(boolean readOnly) {
		List<Route> readers = this.planner.readers();
		return this.snapshots.get((readOnly && !readers.isEmpty()) ? readers.get(0) : this.planner.writer());
	}

	/**
	 * A value of the database's metadata that is not a result set, learned once.
	 * @param bound the pooled connection the routed connection is bound to, or {@code null}
	 */
	@Nullable Object metaData(Method method, @Nullable Object[] args, @Nullable Connection bound) throws SQLException {
		Object key = (args == null || args.length == 0) ? method : List.of(method, Arrays.asList(args));
		Object value = this.metaData.get(key);
		if (value == null) {
			value = (bound != null) ? invoke(method, args, bound.getMetaData()) : withAnyConnection(
					(connection) -> invoke(method, args, connection.getMetaData()));
			this.metaData.putIfAbsent(key, (value != null) ? value : NULL);
		}
		return (value != NULL) ? value : null;
	}

	/**
	 * Whether the pools' connections wrap an interface, learned once per interface.
	 */
	boolean isWrapperFor(Class<?> iface) throws SQLException {
		Boolean wrapper = this.wrapperFor.get(iface);
		if (wrapper == null) {
			wrapper = withAnyConnection((connection) -> connection.isWrapperFor(iface));
			this.wrapperFor.putIfAbsent(iface, wrapper);
		}
		return wrapper;
	}

	/**
	 * Borrow a connection from the writer pool, else from a reader, use it and give it straight back.
	 */
	<T> T withAnyConnection(ConnectionCallback<T> callback) throws SQLException {
		List<Route> routes = new ArrayList<>(this.planner.readers().size() + 1);
		routes.add(this.planner.writer());
		routes.addAll(this.planner.readers());
		SQLException failure = null;
		for (Route route : routes) {
			Connection connection;
			try {
				connection = route.dataSource().getConnection();
			}
			catch (SQLException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
				continue;
			}
			try (connection) {
				return callback.apply(connection);
			}
		}
		throw failure;
	}

	private static @Nullable Object invoke(Method method, @Nullable Object[] args, DatabaseMetaData metaData)
			throws SQLException {
		try {
			return method.invoke(metaData, args);
		}
		catch (InvocationTargetException ex) {
			if (ex.getTargetException() instanceof SQLException sqlException) {
				throw sqlException;
			}
			throw new SQLException("Could not read the database metadata", ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	interface ConnectionCallback<T> {

		T apply(Connection connection) throws SQLException;

	}

	/**
	 * The session state of a fresh connection of one pool.
	 */
	static final class PoolSnapshot {

		private final Route route;

		private final PoolDefaults pools;

		private final int configuredIsolation;

		private volatile @Nullable State state;

		PoolSnapshot(Route route, PoolDefaults pools) {
			this.route = route;
			this.pools = pools;
			this.configuredIsolation = configuredIsolation(route.dataSource());
		}

		private static int configuredIsolation(DataSource dataSource) {
			if (dataSource instanceof HikariDataSource hikari && hikari.getTransactionIsolation() != null) {
				return UtilityElf.getTransactionIsolation(hikari.getTransactionIsolation());
			}
			return UNSET;
		}

		int transactionIsolation() throws SQLException {
			return (this.configuredIsolation != UNSET) ? this.configuredIsolation : state().transactionIsolation;
		}

		int holdability() throws SQLException {
			return state().holdability;
		}

		@Nullable String schema() throws SQLException {
			return state().schema;
		}

		@Nullable String catalog() throws SQLException {
			return state().catalog;
		}

		int networkTimeout() throws SQLException {
			return state().networkTimeout;
		}

		Map<String, Class<?>> typeMap() throws SQLException {
			return new HashMap<>(state().typeMap);
		}

		Properties clientInfo() throws SQLException {
			Properties copy = new Properties();
			copy.putAll(state().clientInfo);
			return copy;
		}

		private State state() throws SQLException {
			State current = this.state;
			if (current == null) {
				Connection connection;
				try {
					connection = this.route.dataSource().getConnection();
				}
				catch (SQLException ex) {
					// The pool is down (a dead reader): another pool's connection is the best guess,
					// and it is not kept.
					return this.pools.withAnyConnection(State::new);
				}
				try (connection) {
					current = new State(connection);
				}
				this.state = current;
			}
			return current;
		}

	}

	private static final class State {

		final int transactionIsolation;

		final int holdability;

		final @Nullable String schema;

		final @Nullable String catalog;

		final int networkTimeout;

		final Map<String, Class<?>> typeMap;

		final Properties clientInfo;

		State(Connection connection) throws SQLException {
			this.transactionIsolation = connection.getTransactionIsolation();
			this.holdability = connection.getHoldability();
			this.schema = connection.getSchema();
			this.catalog = connection.getCatalog();
			this.networkTimeout = connection.getNetworkTimeout();
			Map<String, Class<?>> map = connection.getTypeMap();
			this.typeMap = (map != null) ? Map.copyOf(map) : Map.of();
			this.clientInfo = new Properties();
			this.clientInfo.putAll(connection.getClientInfo());
		}

	}

}
