package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.routing.RouteToWriter;
import io.github.rwrouting.routing.RouteToWriterInterceptor;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * {@code @RouteToWriter}: methods, or every method of classes, that run in a writer scope.
 *
 * @author rw-routing
 */
@Configuration(proxyBeanMethods = false)
class RwRoutingWriterScopeConfiguration {

	/**
	 * Outside {@code @FailoverRetry} and the transaction, so that the scope covers the whole
	 * transaction and every re-run of it.
	 */
	static final int WRITER_SCOPE_ORDER = RwRoutingFailoverConfiguration.RETRY_ORDER - 100;

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor rwRoutingRouteToWriterAdvisor() {
		ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(RouteToWriter.class, true))
			.union(new AnnotationMatchingPointcut(null, RouteToWriter.class, true));
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut, new RouteToWriterInterceptor());
		advisor.setOrder(WRITER_SCOPE_ORDER);
		return advisor;
	}

}
