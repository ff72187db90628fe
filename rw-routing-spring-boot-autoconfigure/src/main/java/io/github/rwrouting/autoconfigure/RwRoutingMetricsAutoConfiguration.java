package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.routing.ReadRoutePlanner;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for read/write routing and failover handling. The meters bind when the
 * registry is ready; until then routing decisions are not counted. Every type that needs Micrometer
 * is named here only, so that an application without Micrometer never loads one.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(RoutingDataSource.class)
public final class RwRoutingMetricsAutoConfiguration {

	@Bean
	RoutingMetrics rwRoutingMetrics(ReadRoutePlanner planner, ObjectProvider<ReplicaMonitor> monitor) {
		return new RoutingMetrics(planner, monitor::getIfAvailable);
	}

	@Bean(RwRoutingFailoverConfiguration.FAILOVER_RETRY_LISTENER_BEAN_NAME)
	FailoverMetrics rwRoutingFailoverMetrics(ObjectProvider<WriterPoolEvictor> evictor) {
		return new FailoverMetrics(evictor.getIfAvailable());
	}

}
