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

/**
 * The {@code rwRouting} health contributor: writer and readers as the replica monitor sees them.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ReplicaMonitor.class)
@ConditionalOnEnabledHealthIndicator("rw-routing")
public final class RwRoutingHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "rwRoutingHealthIndicator")
	RwRoutingHealthIndicator rwRoutingHealthIndicator(ReplicaMonitor monitor) {
		return new RwRoutingHealthIndicator(monitor);
	}

}
