package io.github.rwrouting.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

/**
 * Read-after-write consistency: the token scope, the token codec and the guard the routing
 * {@code dataSource} consults.
 *
 * @author rw-routing
 */
@Configuration(proxyBeanMethods = false)
class RwRoutingConsistencyConfiguration {

	private static final Log logger = LogFactory.getLog(RwRoutingConsistencyConfiguration.class);

	@Bean
	ConsistencyContext rwRoutingConsistencyContext() {
		return new ConsistencyContext();
	}

	@Bean
	ConsistencyTokenCodec rwRoutingConsistencyTokenCodec(RwRoutingProperties properties) {
		String key = properties.getConsistency().getSigningKey();
		if (key == null || key.isEmpty()) {
			if (properties.getConsistency().getMode() != ConsistencyMode.NONE) {
				logger.warn("rw-routing.consistency.signing-key is not set: consistency tokens are signed with a "
						+ "random key and are only valid in this process. Set the same key on every instance.");
			}
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			return new ConsistencyTokenCodec(random);
		}
		if (key.length() < ConsistencyTokenCodec.MIN_KEY_BYTES) {
			throw new RwRoutingConfigurationException("rw-routing.consistency.signing-key",
					"the signing key has fewer than " + ConsistencyTokenCodec.MIN_KEY_BYTES + " characters",
					"Set rw-routing.consistency.signing-key to a random secret of at least "
							+ ConsistencyTokenCodec.MIN_KEY_BYTES + " characters (32 or more recommended), "
							+ "the same on every instance (for example from an environment variable).");
		}
		return new ConsistencyTokenCodec(key.getBytes(StandardCharsets.UTF_8));
	}

	@Bean
	ConsistencyGuard rwRoutingConsistencyGuard(RwRoutingProperties properties, ConsistencyContext context,
			@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writer,
			ObjectProvider<ReplicaMonitor> monitor, ObjectProvider<ConsistencyListener> listeners) {
		RwRoutingProperties.Consistency consistency = properties.getConsistency();
		DatabaseDialect urlDialect = dialectForUrl(properties,
				RoutingBeans.pool(writer, RoutingPools.WRITER_BEAN_NAME));
		// The monitor is created after the routing data source (it monitors its routes), so it is
		// looked up on first use, once: every write and read asks for it. An Optional, so that "no
		// monitor" is remembered too (SingletonSupplier tries again, under a lock, while it has null).
		SingletonSupplier<Optional<ReplicaMonitor>> monitorOnce = SingletonSupplier
			.of(() -> Optional.ofNullable(monitor.getIfAvailable()));
		return new ConsistencyGuard(consistency.getMode(), context, () -> {
			ReplicaMonitor replicaMonitor = monitorOnce.obtain().orElse(null);
			DatabaseDialect detected = (replicaMonitor != null) ? replicaMonitor.dialect() : null;
			return (detected != null) ? detected : urlDialect;
		}, () -> {
			ReplicaMonitor replicaMonitor = monitorOnce.obtain().orElse(null);
			return (replicaMonitor != null) ? replicaMonitor.writerIdentity() : null;
		}, consistency.getMaxWait(), remeasureInterval(properties), consistency.getTtl(),
				consistency.getTimeWindow(), listeners.orderedStream().toList(), System::currentTimeMillis);
	}

	/**
	 * How long a read's finding that a replica lacks a write stands: until the monitor polls it
	 * again. Without a monitor nothing would ever revise it, so it is not kept at all.
	 */
	private static Duration remeasureInterval(RwRoutingProperties properties) {
		RwRoutingProperties.Monitor monitor = properties.getMonitor();
		return monitor.isEnabled() ? monitor.getInterval() : Duration.ZERO;
	}

	private static DatabaseDialect dialectForUrl(RwRoutingProperties properties, HikariDataSource writer) {
		return RwRoutingAutoConfiguration.dialectResolver(properties).forUrl(writer.getJdbcUrl());
	}

}
