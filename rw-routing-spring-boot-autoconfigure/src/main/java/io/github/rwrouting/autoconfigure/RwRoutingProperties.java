package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.routing.NonTransactionalRoute;
import io.github.rwrouting.routing.ReaderBalancing;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

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
	 * Where statements outside a transaction (auto-commit mode) run: 'writer'; 'reader'; or 'auto',
	 * each plain read on a reader and anything else on the writer.
	 */
	private NonTransactionalRoute nonTransactional = NonTransactionalRoute.WRITER;

	/**
	 * Replication lag past which a reader stops receiving reads until it catches up (to half this
	 * value). Readers may set their own with rw-routing.readers.<name>.max-lag.
	 */
	private Duration maxLag = Duration.ofSeconds(1);

	/**
	 * How a read-only transaction picks among the readers that may serve it.
	 */
	private ReaderBalancing balancing = ReaderBalancing.ROUND_ROBIN;

	/**
	 * SQL dialect of the cluster for monitoring: "auto" (detected), "postgresql",
	 * "aurora-postgresql", "mariadb" (preview), "mysql" or "aurora-mysql" (not run against a server).
	 */
	private String dialect = "auto";

	private final ReaderPool readerPool = new ReaderPool();

	private final Monitor monitor = new Monitor();

	private final Consistency consistency = new Consistency();

	private final Failover failover = new Failover();

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

	public Duration getMaxLag() {
		return this.maxLag;
	}

	public void setMaxLag(Duration maxLag) {
		this.maxLag = maxLag;
	}

	public ReaderBalancing getBalancing() {
		return this.balancing;
	}

	public void setBalancing(ReaderBalancing balancing) {
		this.balancing = balancing;
	}

	public String getDialect() {
		return this.dialect;
	}

	public void setDialect(String dialect) {
		this.dialect = dialect;
	}

	public ReaderPool getReaderPool() {
		return this.readerPool;
	}

	public Monitor getMonitor() {
		return this.monitor;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	public Failover getFailover() {
		return this.failover;
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
		 * Hikari settings for this reader's pool, as spring.datasource.hikari.* (for example
		 * maximum-pool-size). Settings not given here are taken from spring.datasource.hikari.*.
		 */
		@NestedConfigurationProperty
		private final HikariConfig hikari = new HikariConfig();

		/**
		 * Replication lag past which this reader stops receiving reads. Defaults to
		 * rw-routing.max-lag.
		 */
		private @Nullable Duration maxLag;

		/**
		 * Whether every connection of this reader reaches one and the same node. Then a read carrying
		 * a consistency token may trust the replay position the monitor saw on that node, without a
		 * round trip. Set it to false when the URL spreads connections over several replicas (a
		 * reader or custom endpoint, an RDS Proxy endpoint, a load balancer, DNS round robin): each
		 * such read then asks its own connection. Defaults to false for multi-host URLs and for
		 * Aurora reader/custom and RDS Proxy host names, true otherwise.
		 */
		private @Nullable Boolean singleNode;

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

		/**
		 * The reader's Hikari settings as bound, which checks their names' types at startup. The
		 * pool is built from the property keys themselves (see {@code RoutingPools}), so that only the
		 * settings given here override those of spring.datasource.hikari.*.
		 * @return the settings
		 */
		public HikariConfig getHikari() {
			return this.hikari;
		}

		public @Nullable Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(@Nullable Duration maxLag) {
			this.maxLag = maxLag;
		}

		public @Nullable Boolean getSingleNode() {
			return this.singleNode;
		}

		public void setSingleNode(@Nullable Boolean singleNode) {
			this.singleNode = singleNode;
		}

	}

	/**
	 * Bounds on waiting for a reader, applied to every reader pool. They bound how long a read may
	 * wait to get a reader connection, never how long a query may run on one.
	 */
	public static class ReaderPool {

		/**
		 * How long a read waits for a connection from a reader pool (Hikari's connection-timeout)
		 * before it runs on the writer instead. At least 250ms. A reader's own
		 * rw-routing.readers.<name>.hikari.connection-timeout takes precedence.
		 */
		private Duration borrowTimeout = Duration.ofSeconds(1);

		/**
		 * How long opening a new connection to a reader may take (PostgreSQL: the driver's
		 * connectTimeout and loginTimeout, in whole seconds), unless the URL or the pool's
		 * data-source-properties set them.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		/**
		 * How long checking a pooled reader connection before handing it out may take (Hikari's
		 * validation-timeout, used in whole seconds by most drivers, at least 1s), so that a
		 * connection to a replica that froze while the connection was idle costs a read this
		 * long at most before it runs elsewhere. At least 250ms. Set, it takes precedence over
		 * spring.datasource.hikari.validation-timeout, like borrow-timeout; its default applies
		 * only when that is not set. A reader's own
		 * rw-routing.readers.<name>.hikari.validation-timeout takes precedence over both.
		 */
		private Duration validationTimeout = Duration.ofSeconds(1);

		/**
		 * How long a reader is kept from reads after a read failed to get or use one of its
		 * connections, even when the monitor still reaches it. Doubles with each further failure
		 * up to max-failure-backoff.
		 */
		private Duration failureBackoff = Duration.ofSeconds(1);

		/**
		 * Longest exclusion after repeated connection failures.
		 */
		private Duration maxFailureBackoff = Duration.ofSeconds(30);

		/**
		 * Whether the connections of a reader the monitor finds frozen or dead are aborted at
		 * once, so that reads running on it fail fast (and move to the writer when nothing ran
		 * yet) instead of waiting for the operating system to give up on the socket.
		 */
		private boolean abortWhenDown = true;

		public Duration getBorrowTimeout() {
			return this.borrowTimeout;
		}

		public void setBorrowTimeout(Duration borrowTimeout) {
			this.borrowTimeout = borrowTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getValidationTimeout() {
			return this.validationTimeout;
		}

		public void setValidationTimeout(Duration validationTimeout) {
			this.validationTimeout = validationTimeout;
		}

		public Duration getFailureBackoff() {
			return this.failureBackoff;
		}

		public void setFailureBackoff(Duration failureBackoff) {
			this.failureBackoff = failureBackoff;
		}

		public Duration getMaxFailureBackoff() {
			return this.maxFailureBackoff;
		}

		public void setMaxFailureBackoff(Duration maxFailureBackoff) {
			this.maxFailureBackoff = maxFailureBackoff;
		}

		public boolean isAbortWhenDown() {
			return this.abortWhenDown;
		}

		public void setAbortWhenDown(boolean abortWhenDown) {
			this.abortWhenDown = abortWhenDown;
		}

	}

	/**
	 * The replica monitor: polls every node for its role, replication position and lag.
	 */
	public static class Monitor {

		/**
		 * Whether to monitor the nodes. Without monitoring, readers are never excluded for lag and
		 * the rwRouting health shows no node details.
		 */
		private boolean enabled = true;

		/**
		 * Time between two polls of a node. At least 100ms.
		 */
		private Duration interval = Duration.ofSeconds(1);

		/**
		 * How long connecting to a node and polling it may take before the node counts as down.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Read-after-write consistency: a client never reads data older than its own last write.
	 */
	public static class Consistency {

		/**
		 * How reads after a write are kept from older data: "read-your-writes" (a replica serves a
		 * read only once it has replayed the caller's newest write), "time-window" (reads go to the
		 * writer for a fixed time after a write) or "none".
		 */
		private ConsistencyMode mode = ConsistencyMode.READ_YOUR_WRITES;

		/**
		 * How long a read may wait for a replica to replay the caller's newest write before it runs
		 * on the writer. Zero (the default) never waits: a replica that is not known or found to have
		 * the write leaves the read to the writer at once. A wait takes reads off the writer at the
		 * price of read latency; a replica that should not catch up within it is not waited for.
		 */
		private Duration maxWait = Duration.ZERO;

		/**
		 * How long a consistency token counts after the write that advanced it.
		 */
		private Duration ttl = Duration.ofMinutes(1);

		/**
		 * In time-window mode, how long after a write the caller's reads go to the writer.
		 */
		private Duration timeWindow = Duration.ofSeconds(2);

		/**
		 * Key (at least 16 characters) that signs consistency tokens, so that clients can neither
		 * forge nor alter them. Every instance of a service, and every service that passes tokens on,
		 * needs the same key. When unset, a random key is generated at startup and tokens are only
		 * valid within this process.
		 */
		private @Nullable String signingKey;

		/**
		 * Request and response header that carries the token, and that outgoing RestClient,
		 * RestTemplate and WebClient calls send downstream.
		 */
		private String headerName = "X-RW-Consistency";

		/**
		 * Cookie that carries the token for browsers.
		 */
		private String cookieName = "rw-consistency";

		public ConsistencyMode getMode() {
			return this.mode;
		}

		public void setMode(ConsistencyMode mode) {
			this.mode = mode;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getTimeWindow() {
			return this.timeWindow;
		}

		public void setTimeWindow(Duration timeWindow) {
			this.timeWindow = timeWindow;
		}

		public @Nullable String getSigningKey() {
			return this.signingKey;
		}

		public void setSigningKey(@Nullable String signingKey) {
			this.signingKey = signingKey;
		}

		public String getHeaderName() {
			return this.headerName;
		}

		public void setHeaderName(String headerName) {
			this.headerName = headerName;
		}

		public String getCookieName() {
			return this.cookieName;
		}

		public void setCookieName(String cookieName) {
			this.cookieName = cookieName;
		}

	}

	/**
	 * Surviving failovers.
	 */
	public static class Failover {

		/**
		 * JVM DNS cache time-to-live (the networkaddress.cache.ttl security property), set at startup
		 * unless networkaddress.cache.ttl or sun.net.inetaddr.ttl is already set, so that a cluster
		 * endpoint's new address is seen after a failover. A negative value leaves the JVM default.
		 */
		private Duration dnsCacheTtl = Duration.ofSeconds(5);

		private final Retry retry = new Retry();

		public Duration getDnsCacheTtl() {
			return this.dnsCacheTtl;
		}

		public void setDnsCacheTtl(Duration dnsCacheTtl) {
			this.dnsCacheTtl = dnsCacheTtl;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Re-running {@code @FailoverRetry} transactions after a failover error.
		 */
		public static class Retry {

			/**
			 * Maximum number of re-runs of a transaction.
			 */
			private int maxRetries = 3;

			/**
			 * Delay before the first re-run.
			 */
			private Duration delay = Duration.ofMillis(100);

			/**
			 * Factor applied to the delay after each re-run.
			 */
			private double multiplier = 2.0;

			/**
			 * Longest delay between two re-runs.
			 */
			private Duration maxDelay = Duration.ofSeconds(2);

			/**
			 * Random variation added to or removed from each delay, so that clients do not retry in
			 * lockstep.
			 */
			private Duration jitter = Duration.ofMillis(50);

			public int getMaxRetries() {
				return this.maxRetries;
			}

			public void setMaxRetries(int maxRetries) {
				this.maxRetries = maxRetries;
			}

			public Duration getDelay() {
				return this.delay;
			}

			public void setDelay(Duration delay) {
				this.delay = delay;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxDelay() {
				return this.maxDelay;
			}

			public void setMaxDelay(Duration maxDelay) {
				this.maxDelay = maxDelay;
			}

			public Duration getJitter() {
				return this.jitter;
			}

			public void setJitter(Duration jitter) {
				this.jitter = jitter;
			}

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
