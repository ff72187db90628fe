package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.ReadRoutePlanner;
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
	 * A connector per node, by node name, or none when a pool's database cannot be monitored (the monitor then
	 * stays idle and every reader keeps serving).
	 */
	static Map<String, NodeConnector> of(ReadRoutePlanner planner, DialectResolver dialectResolver, Duration timeout) {
		Map<String, NodeConnector> connectors = new LinkedHashMap<>();
		for (Route route : routes(planner)) {
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
			connectors.put(route.name(), driver::getConnection);
		}
		return connectors;
	}

	private static List<Route> routes(ReadRoutePlanner planner) {
		List<Route> routes = new ArrayList<>();
		routes.add(planner.writer());
		routes.addAll(planner.readers());
		return routes;
	}

}
