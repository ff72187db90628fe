package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingPolicy;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.DialectResolver;
import io.github.rwrouting.topology.NodeConnector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The replica monitor's own connections: the pools' URLs, credentials and driver properties, with
 * the dialect's connect and socket timeouts, opened one at a time outside the pools.
 *
 * @author rw-routing
 */
final class MonitorConnectors {

	private static final Log logger = LogFactory.getLog(MonitorConnectors.class);

	private MonitorConnectors() {
	}

	/**
	 * A connector per route, or none when a pool's database cannot be monitored (the monitor then
	 * stays idle and every reader keeps serving).
	 */
	static Map<Route, NodeConnector> of(RoutingPolicy policy, DialectResolver dialectResolver, Duration timeout) {
		Map<Route, NodeConnector> connectors = new IdentityHashMap<>();
		for (Route route : routes(policy)) {
			if (!(route.dataSource() instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
				logger.info("rw-routing monitoring is off: pool " + route.poolName() + " has no JDBC URL");
				return Map.of();
			}
			DatabaseDialect dialect = dialectResolver.forUrl(pool.getJdbcUrl());
			if (dialect == null) {
				logger.info("rw-routing monitoring is off: no dialect for the database of pool " + route.poolName()
						+ " (set rw-routing.dialect if it is PostgreSQL-compatible)");
				return Map.of();
			}
			Properties properties = new Properties();
			properties.putAll(pool.getDataSourceProperties());
			properties.putAll(dialect.monitorConnectionProperties(timeout));
			DriverDataSource driver = new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(), properties,
					pool.getUsername(), pool.getPassword());
			connectors.put(route, driver::getConnection);
		}
		return connectors;
	}

	private static List<Route> routes(RoutingPolicy policy) {
		List<Route> routes = new ArrayList<>();
		routes.add(policy.writer());
		routes.addAll(policy.readers());
		return routes;
	}

}
