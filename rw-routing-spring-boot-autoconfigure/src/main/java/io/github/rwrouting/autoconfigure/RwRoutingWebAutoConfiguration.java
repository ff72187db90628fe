package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.web.ConsistencyFilter;
import io.github.rwrouting.web.RouteHeaderFilter;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet integration of read/write routing: a web request is the scope of a consistency token, and
 * the optional route header. Only when routing is on: an application that keeps Spring Boot's own
 * {@code DataSource} (its own, no readers, or routing disabled) gets no filter.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class, FilterRegistrationBean.class })
@ConditionalOnBean(RoutingDataSource.class)
public final class RwRoutingWebAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@Conditional(ConsistencyEnabledCondition.class)
	static class ConsistencyScopeConfiguration {

		@Bean
		FilterRegistrationBean<ConsistencyFilter> rwRoutingConsistencyFilter(RwRoutingProperties properties,
				ConsistencyContext context, ConsistencyTokenCodec codec, ConsistencyGuard guard) {
			RwRoutingProperties.Consistency consistency = properties.getConsistency();
			FilterRegistrationBean<ConsistencyFilter> registration = new FilterRegistrationBean<>(
					new ConsistencyFilter(context, codec, guard,
							consistency.getHeaderName(), consistency.getCookieName(), consistency.getTtl(),
							System::currentTimeMillis));
			// Before Spring Security and everything that may run transactions.
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("rw-routing.web.route-header")
	static class RouteHeaderConfiguration {

		@Bean
		RouteHeaderFilter rwRoutingRouteHeaderFilter(RwRoutingProperties properties) {
			return new RouteHeaderFilter(properties.getWeb().getRouteHeaderName());
		}

		@Bean
		FilterRegistrationBean<RouteHeaderFilter> rwRoutingRouteHeaderFilterRegistration(RouteHeaderFilter filter) {
			FilterRegistrationBean<RouteHeaderFilter> registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			return registration;
		}

	}

}
