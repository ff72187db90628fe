package io.github.rwrouting.failover;

import java.net.URI;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Configures pools whose URL goes through the AWS Advanced JDBC Wrapper the way AWS recommends for
 * an application with a writer pool and reader pools (and no read/write splitting plugin): the same
 * {@code clusterId} on every pool so they share topology and monitors, {@code strict-writer} failover
 * for the writer and {@code strict-reader} for readers, the default plugins, and Hikari's exception
 * override so that the wrapper's "failover happened, re-run" errors do not evict connections. Each
 * setting is left alone when the URL or the pool's data source properties already set it.
 *
 * @author rw-routing
 */
public final class AwsJdbcWrapperSettings {

	static final String URL_PREFIX = "jdbc:aws-wrapper:";

	static final String PLUGINS = "initialConnection,auroraConnectionTracker,failover2,efm2";

	/**
	 * The wrapper's Hikari exception override, which keeps its failover errors from evicting
	 * connections.
	 */
	public static final String EXCEPTION_OVERRIDE = "software.amazon.jdbc.util.HikariCPSQLException";

	private AwsJdbcWrapperSettings() {
	}

	static boolean applies(String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith(URL_PREFIX);
	}

	/**
	 * Configure the writer pool, when its URL goes through the wrapper.
	 * @param pool the writer pool
	 * @param writerUrl the writer's JDBC URL
	 */
	public static void applyToWriter(HikariDataSource pool, String writerUrl) {
		apply(pool, writerUrl, "strict-writer");
	}

	/**
	 * Configure a reader pool, when its URL goes through the wrapper.
	 * @param pool the reader pool
	 * @param writerUrl the writer's JDBC URL, whose host names the cluster
	 */
	public static void applyToReader(HikariDataSource pool, String writerUrl) {
		apply(pool, writerUrl, "strict-reader");
	}

	private static void apply(HikariDataSource pool, String writerUrl, String failoverMode) {
		if (!applies(pool.getJdbcUrl())) {
			return;
		}
		Properties properties = pool.getDataSourceProperties();
		setUnlessSet(pool, properties, "clusterId", clusterId(writerUrl));
		setUnlessSet(pool, properties, "failoverMode", failoverMode);
		setUnlessSet(pool, properties, "wrapperPlugins", PLUGINS);
		if (pool.getExceptionOverrideClassName() == null && pool.getExceptionOverride() == null) {
			pool.setExceptionOverrideClassName(EXCEPTION_OVERRIDE);
		}
	}

	private static void setUnlessSet(HikariDataSource pool, Properties properties, String name, String value) {
		String url = pool.getJdbcUrl();
		int query = url.indexOf('?');
		boolean inUrl = query >= 0 && ("&" + url.substring(query + 1)).contains("&" + name + "=");
		if (!inUrl && !properties.containsKey(name)) {
			pool.addDataSourceProperty(name, value);
		}
	}

	/**
	 * A cluster id shared by every pool: the writer endpoint's host.
	 */
	static String clusterId(String writerUrl) {
		try {
			String host = URI.create(writerUrl.substring(writerUrl.indexOf(':', "jdbc:".length()) + 1)).getHost();
			return "rw-routing:" + ((host != null) ? host : writerUrl.hashCode());
		}
		catch (IllegalArgumentException ex) {
			return "rw-routing:" + writerUrl.hashCode();
		}
	}

}
