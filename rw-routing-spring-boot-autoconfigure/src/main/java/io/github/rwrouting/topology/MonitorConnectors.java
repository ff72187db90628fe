package io.github.rwrouting.topology;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The replica monitor's own connections: the pools' URLs, credentials and driver properties, with
 * the dialect's connect and socket timeouts, opened one at a time outside the pools.
 *
 * @author rw-routing
 */
public final class MonitorConnectors {

	private static final Log logger = LogFactory.getLog(MonitorConnectors.class);

	private MonitorConnectors() {
	}

	/**
	 * A connector per node, by node name, or none when a pool's database cannot be monitored (the
	 * monitor then stays idle and every reader keeps serving).
	 * @param pools each node's pool, by node name, the writer first
	 * @param dialectResolver the dialect to use or detect
	 * @param timeout how long one poll may take
	 * @return the connectors
	 */
	public static Map<String, NodeConnector> of(Map<String, ? extends DataSource> pools,
			DialectResolver dialectResolver, Duration timeout) {
		Map<String, NodeConnector> connectors = new LinkedHashMap<>();
		for (Map.Entry<String, ? extends DataSource> node : pools.entrySet()) {
			if (!(node.getValue() instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
				logger.info("rw-routing monitoring is off: the pool of " + node.getKey() + " has no JDBC URL");
				return Map.of();
			}
			Properties timeouts = dialectResolver.monitorConnectionProperties(pool.getJdbcUrl(), timeout);
			if (timeouts == null) {
				logger.info("rw-routing monitoring is off: no dialect for the database of pool " + pool.getPoolName()
						+ " (set rw-routing.dialect if it is PostgreSQL- or MySQL-compatible)");
				return Map.of();
			}
			Properties properties = new Properties();
			properties.putAll(pool.getDataSourceProperties());
			properties.putAll(timeouts);
			DriverDataSource driver = new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(), properties,
					pool.getUsername(), pool.getPassword());
			connectors.put(node.getKey(), driver::getConnection);
		}
		return connectors;
	}

}
