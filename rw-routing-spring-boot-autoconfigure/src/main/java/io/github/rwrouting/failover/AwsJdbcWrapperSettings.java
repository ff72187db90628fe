package io.github.rwrouting.failover;

import java.net.URI;
import java.util.Locale;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * Configures pools whose URL goes through the AWS Advanced JDBC Wrapper the way AWS recommends for
 * an application with a writer pool and reader pools (and no read/write splitting plugin): the same
 * {@code clusterId} on every pool so they share topology and monitors, {@code strict-writer} failover
 * for the writer and {@code strict-reader} for readers, the default plugins, and Hikari's exception
 * override so that the wrapper's "failover happened, re-run" errors do not evict connections, and
 * the wrapper's dialect when {@code rw-routing.dialect} names one the wrapper has without doubt
 * ({@code mariadb}, {@code aurora-postgresql}, {@code aurora-mysql}): otherwise the wrapper detects it,
 * and takes a MariaDB server behind MySQL Connector/J ({@code jdbc:aws-wrapper:mysql:}) for MySQL.
 * Plain {@code postgresql} or {@code mysql} are left to the wrapper, which tells RDS from self-managed
 * servers. Each setting is left alone when the URL or the pool's data source properties already set
 * it.
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

	/**
	 * The wrapper's dialect code for a value of {@code rw-routing.dialect}, where it is certain.
	 */
	static @Nullable String wrapperDialect(@Nullable String dialect) {
		if (dialect == null) {
			return null;
		}
		return switch (dialect.trim().toLowerCase(Locale.ROOT)) {
			case "mariadb" -> "mariadb";
			case "aurora-postgresql" -> "aurora-pg";
			case "aurora-mysql" -> "aurora-mysql";
			default -> null;
		};
	}

	static boolean applies(String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith(URL_PREFIX);
	}

	/**
	 * Configure the writer pool, when its URL goes through the wrapper.
	 * @param pool the writer pool
	 * @param writerUrl the writer's JDBC URL
	 * @param dialect the value of {@code rw-routing.dialect}, or {@code null}
	 */
	public static void applyToWriter(HikariDataSource pool, String writerUrl, @Nullable String dialect) {
		apply(pool, writerUrl, "strict-writer", dialect);
	}

	/**
	 * Configure a reader pool, when its URL goes through the wrapper.
	 * @param pool the reader pool
	 * @param writerUrl the writer's JDBC URL, whose host names the cluster
	 * @param dialect the value of {@code rw-routing.dialect}, or {@code null}
	 */
	public static void applyToReader(HikariDataSource pool, String writerUrl, @Nullable String dialect) {
		apply(pool, writerUrl, "strict-reader", dialect);
	}

	private static void apply(HikariDataSource pool, String writerUrl, String failoverMode, @Nullable String dialect) {
		if (!applies(pool.getJdbcUrl())) {
			return;
		}
		Properties properties = pool.getDataSourceProperties();
		setUnlessSet(pool, properties, "clusterId", clusterId(writerUrl));
		setUnlessSet(pool, properties, "failoverMode", failoverMode);
		setUnlessSet(pool, properties, "wrapperPlugins", PLUGINS);
		String wrapperDialect = wrapperDialect(dialect);
		if (wrapperDialect != null) {
			setUnlessSet(pool, properties, "wrapperDialect", wrapperDialect);
		}
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
