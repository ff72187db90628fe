package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.observation.RouteObservationConvention;
import io.github.rwrouting.observation.RouteObservations;
import io.github.rwrouting.routing.RoutingDataSource;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Routing decisions as Micrometer observations (spans in traces), when the application has an
 * {@code ObservationRegistry}. Every type that needs micrometer-observation is named here only, so
 * that an application without it never loads one; without a registry nothing is added to the hot
 * path.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ RoutingDataSource.class, ObservationRegistry.class })
public final class RwRoutingObservationAutoConfiguration {

	@Bean
	RouteObservations rwRoutingRouteObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<RouteObservationConvention> convention) {
		RouteObservations observations = new RouteObservations(registry::getObject);
		observations.setConvention(convention.getIfUnique());
		return observations;
	}

	/**
	 * Observing starts once every singleton exists: the registry's handlers may need beans that need
	 * the routing data source, which is created with its listeners.
	 */
	@Bean
	static SmartInitializingSingleton rwRoutingRouteObservationsStarter(ObjectProvider<RouteObservations> observations) {
		return () -> observations.ifAvailable(RouteObservations::start);
	}

}
