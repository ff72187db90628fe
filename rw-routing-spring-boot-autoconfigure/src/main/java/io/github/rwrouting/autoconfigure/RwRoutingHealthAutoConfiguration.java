package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.topology.ReplicaMonitor;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code rwRouting} health contributor: writer and readers as the replica monitor sees them.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ReplicaMonitor.class)
public final class RwRoutingHealthAutoConfiguration {

	/**
	 * Nested: its condition's class lives in spring-boot-health, which must be known to be there
	 * before the condition is loaded.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("rw-routing")
	static class RwRoutingHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "rwRoutingHealthIndicator")
		RwRoutingHealthIndicator rwRoutingHealthIndicator(ReplicaMonitor monitor) {
			return new RwRoutingHealthIndicator(monitor);
		}

	}

}
