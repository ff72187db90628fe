package io.github.rwrouting.routing;

import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The session state of a routed connection besides auto-commit, read-only and isolation: schema,
 * catalog, client info, network timeout, type map and holdability, as the application set them.
 * Applied to every pooled connection the routed connection binds to, and taken back off it before
 * it returns to its pool: pools reset only part of it (Hikari resets the schema and catalog only
 * when it configures them itself, and never client info, type map or holdability), and the next
 * borrower must not inherit it.
 *
 * @author rw-routing
 */
final class SessionState {

	private static final int UNSET = PoolDefaults.UNSET;

	private boolean recorded;

	private int holdability = UNSET;

	private boolean schemaSet;

	private @Nullable String schema;

	private boolean catalogSet;

	private @Nullable String catalog;

	private @Nullable Map<String, @Nullable String> clientInfo;

	private boolean clientInfoReplaced;

	private @Nullable Executor networkTimeoutExecutor;

	private int networkTimeout = UNSET;

	private @Nullable Map<String, Class<?>> typeMap;

	// What the bound pooled connection had before apply(), for restore().
	private int previousHoldability = UNSET;

	private @Nullable String previousSchema;

	private @Nullable String previousCatalog;

	private @Nullable Map<String, @Nullable String> previousClientInfo;

	private int previousNetworkTimeout = UNSET;

	private @Nullable Map<String, Class<?>> previousTypeMap;

	private boolean applied;

	boolean isRecorded() {
		return this.recorded;
	}

	void holdability(int holdability) {
		this.holdability = holdability;
		this.recorded = true;
	}

	int holdability() {
		return this.holdability;
	}

	void schema(@Nullable String schema) {
		this.schema = schema;
		this.schemaSet = true;
		this.recorded = true;
	}

	boolean isSchemaSet() {
		return this.schemaSet;
	}

	@Nullable String schema() {
		return this.schema;
	}

	void catalog(@Nullable String catalog) {
		this.catalog = catalog;
		this.catalogSet = true;
		this.recorded = true;
	}

	boolean isCatalogSet() {
		return this.catalogSet;
	}

	@Nullable String catalog() {
		return this.catalog;
	}

	void clientInfo(String name, @Nullable String value) {
		if (this.clientInfo == null) {
			this.clientInfo = new LinkedHashMap<>();
		}
		this.clientInfo.put(name, value);
		this.recorded = true;
	}

	void clientInfo(Properties properties) {
		this.clientInfo = new LinkedHashMap<>();
		properties.stringPropertyNames().forEach((name) -> this.clientInfo.put(name, properties.getProperty(name)));
		this.clientInfoReplaced = true;
		this.recorded = true;
	}

	/**
	 * Whether the application set this client info property, or replaced them all.
	 */
	boolean knowsClientInfo(String name) {
		return this.clientInfoReplaced || (this.clientInfo != null && this.clientInfo.containsKey(name));
	}

	@Nullable String clientInfo(String name) {
		return (this.clientInfo != null) ? this.clientInfo.get(name) : null;
	}

	/**
	 * The client info of a fresh connection with what the application set on top.
	 */
	Properties clientInfoOver(Properties defaults) {
		Properties merged = new Properties();
		if (!this.clientInfoReplaced) {
			merged.putAll(defaults);
		}
		if (this.clientInfo != null) {
			this.clientInfo.forEach((name, value) -> {
				if (value != null) {
					merged.setProperty(name, value);
				}
				else {
					merged.remove(name);
				}
			});
		}
		return merged;
	}

	void networkTimeout(Executor executor, int milliseconds) {
		this.networkTimeoutExecutor = executor;
		this.networkTimeout = milliseconds;
		this.recorded = true;
	}

	int networkTimeout() {
		return this.networkTimeout;
	}

	void typeMap(Map<String, Class<?>> typeMap) {
		this.typeMap = typeMap;
		this.recorded = true;
	}

	@Nullable Map<String, Class<?>> typeMap() {
		return this.typeMap;
	}

	/**
	 * Apply the recorded state to a pooled connection just borrowed, outside any transaction, and
	 * remember what it had.
	 */
	void apply(Connection connection) throws SQLException {
		this.applied = true;
		if (this.holdability != UNSET) {
			this.previousHoldability = connection.getHoldability();
			connection.setHoldability(this.holdability);
		}
		if (this.schemaSet) {
			this.previousSchema = connection.getSchema();
			connection.setSchema(this.schema);
		}
		if (this.catalogSet) {
			this.previousCatalog = connection.getCatalog();
			connection.setCatalog(this.catalog);
		}
		if (this.clientInfo != null) {
			applyClientInfo(connection);
		}
		if (this.networkTimeout != UNSET) {
			this.previousNetworkTimeout = connection.getNetworkTimeout();
			connection.setNetworkTimeout(this.networkTimeoutExecutor, this.networkTimeout);
		}
		if (this.typeMap != null) {
			this.previousTypeMap = connection.getTypeMap();
			connection.setTypeMap(this.typeMap);
		}
	}

	private void applyClientInfo(Connection connection) throws SQLException {
		Map<String, @Nullable String> previous = new LinkedHashMap<>();
		if (this.clientInfoReplaced) {
			Properties current = connection.getClientInfo();
			current.stringPropertyNames().forEach((name) -> previous.put(name, current.getProperty(name)));
			this.clientInfo.keySet().forEach((name) -> previous.putIfAbsent(name, null));
			Properties replacement = new Properties();
			this.clientInfo.forEach((name, value) -> {
				if (value != null) {
					replacement.setProperty(name, value);
				}
			});
			this.previousClientInfo = previous;
			connection.setClientInfo(replacement);
			return;
		}
		for (String name : this.clientInfo.keySet()) {
			previous.put(name, connection.getClientInfo(name));
		}
		this.previousClientInfo = previous;
		for (Map.Entry<String, @Nullable String> entry : this.clientInfo.entrySet()) {
			connection.setClientInfo(entry.getKey(), entry.getValue());
		}
	}

	/**
	 * Take the applied state back off a pooled connection about to return to its pool, outside any
	 * transaction.
	 */
	void restore(Connection connection) throws SQLException {
		if (!this.applied) {
			return;
		}
		this.applied = false;
		if (this.previousHoldability != UNSET) {
			connection.setHoldability(this.previousHoldability);
			this.previousHoldability = UNSET;
		}
		if (this.schemaSet) {
			connection.setSchema(this.previousSchema);
			this.previousSchema = null;
		}
		if (this.catalogSet && this.previousCatalog != null) {
			connection.setCatalog(this.previousCatalog);
			this.previousCatalog = null;
		}
		Map<String, @Nullable String> clientInfoBefore = this.previousClientInfo;
		if (clientInfoBefore != null) {
			this.previousClientInfo = null;
			restoreClientInfo(connection, clientInfoBefore);
		}
		if (this.previousNetworkTimeout != UNSET) {
			connection.setNetworkTimeout(this.networkTimeoutExecutor, this.previousNetworkTimeout);
			this.previousNetworkTimeout = UNSET;
		}
		if (this.typeMap != null) {
			connection.setTypeMap(this.previousTypeMap);
			this.previousTypeMap = null;
		}
	}

	private static void restoreClientInfo(Connection connection, Map<String, @Nullable String> before)
			throws SQLClientInfoException {
		for (Map.Entry<String, @Nullable String> entry : before.entrySet()) {
			connection.setClientInfo(entry.getKey(), entry.getValue());
		}
	}

	/**
	 * Forget what was applied: the pooled connection is gone (aborted, or dead).
	 */
	void detached() {
		this.applied = false;
		this.previousSchema = null;
		this.previousCatalog = null;
		this.previousClientInfo = null;
		this.previousTypeMap = null;
		this.previousHoldability = UNSET;
		this.previousNetworkTimeout = UNSET;
	}

}
