package io.github.rwrouting.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.rwrouting.routing.NonTransactionalRoute;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for read/write routing. The writer is configured with Spring Boot's own
 * {@code spring.datasource.*} properties; readers are added here.
 *
 * @author rw-routing
 */
@ConfigurationProperties(prefix = "rw-routing", ignoreUnknownFields = false)
public class RwRoutingProperties {

	/**
	 * Whether to route read-only transactions to readers. When false, Spring Boot's own DataSource
	 * auto-configuration applies unchanged.
	 */
	private boolean enabled = true;

	/**
	 * Readers (replicas or a reader endpoint), by name. Each gets a Hikari pool named "reader-<name>"
	 * whose connections are read-only.
	 */
	private final Map<String, Reader> readers = new LinkedHashMap<>();

	/**
	 * Where statements outside a transaction (auto-commit mode) run.
	 */
	private NonTransactionalRoute nonTransactional = NonTransactionalRoute.WRITER;

	private final Web web = new Web();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Reader> getReaders() {
		return this.readers;
	}

	public NonTransactionalRoute getNonTransactional() {
		return this.nonTransactional;
	}

	public void setNonTransactional(NonTransactionalRoute nonTransactional) {
		this.nonTransactional = nonTransactional;
	}

	public Web getWeb() {
		return this.web;
	}

	/**
	 * One reader.
	 */
	public static class Reader {

		/**
		 * JDBC URL of the reader, for example a replica or an Aurora "cluster-ro" endpoint. Required.
		 */
		private @Nullable String url;

		/**
		 * Login username of the reader. Defaults to the writer's (spring.datasource.username).
		 */
		private @Nullable String username;

		/**
		 * Login password of the reader. Defaults to the writer's (spring.datasource.password).
		 */
		private @Nullable String password;

		/**
		 * Fully qualified name of the JDBC driver of the reader. Defaults to the writer's
		 * spring.datasource.driver-class-name, else is deduced from the URL.
		 */
		private @Nullable String driverClassName;

		/**
		 * Hikari settings for this reader's pool, with the names of spring.datasource.hikari.* (for
		 * example maximum-pool-size). Settings not given here are taken from spring.datasource.hikari.*.
		 */
		private final Map<String, String> hikari = new LinkedHashMap<>();

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getDriverClassName() {
			return this.driverClassName;
		}

		public void setDriverClassName(@Nullable String driverClassName) {
			this.driverClassName = driverClassName;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

	}

	/**
	 * Web integration.
	 */
	public static class Web {

		/**
		 * Whether every HTTP response carries a header naming the pool that served the request's last
		 * transaction ("writer" or "reader-<name>"). Meant for debugging.
		 */
		private boolean routeHeader;

		/**
		 * Name of the route header.
		 */
		private String routeHeaderName = "X-RW-Route";

		public boolean isRouteHeader() {
			return this.routeHeader;
		}

		public void setRouteHeader(boolean routeHeader) {
			this.routeHeader = routeHeader;
		}

		public String getRouteHeaderName() {
			return this.routeHeaderName;
		}

		public void setRouteHeaderName(String routeHeaderName) {
			this.routeHeaderName = routeHeaderName;
		}

	}

}
