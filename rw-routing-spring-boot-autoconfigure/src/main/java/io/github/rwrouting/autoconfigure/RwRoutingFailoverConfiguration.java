package io.github.rwrouting.autoconfigure;

import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.rwrouting.failover.FailoverHibernateJpaDialect;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.FailoverRetryInterceptor;
import io.github.rwrouting.failover.FailoverSqlExceptionTranslator;
import io.github.rwrouting.failover.WriterPoolEvictor;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.orm.jpa.JpaDialect;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.util.function.SingletonSupplier;

/**
 * Surviving failovers: the writer pool's connections are retired when its node is demoted, failover
 * errors translate to transient exceptions, and {@code @FailoverRetry} methods are re-run.
 *
 * @author rw-routing
 */
@Configuration(proxyBeanMethods = false)
class RwRoutingFailoverConfiguration {

	/**
	 * Outside the transaction interceptor (which has the lowest precedence), so that a retry re-runs
	 * the whole transaction.
	 */
	static final int RETRY_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	/**
	 * The bean that counts retries, when metrics are on.
	 */
	static final String FAILOVER_RETRY_LISTENER_BEAN_NAME = "rwRoutingFailoverMetrics";

	@Bean
	WriterPoolEvictor rwRoutingWriterPoolEvictor(@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writer) {
		return new WriterPoolEvictor(RoutingBeans.pool(writer, RoutingPools.WRITER_BEAN_NAME));
	}

	@Bean
	@ConditionalOnMissingBean(SQLExceptionTranslator.class)
	FailoverSqlExceptionTranslator rwRoutingSqlExceptionTranslator(
			@Qualifier(RoutingBeans.DATA_SOURCE_BEAN_NAME) DataSource dataSource) {
		return new FailoverSqlExceptionTranslator(RoutingBeans.routing(dataSource));
	}

	/**
	 * JPA failover errors are transient too: the entity manager factory gets the failover-aware
	 * Hibernate dialect, unless it was given another dialect than Hibernate's own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LocalContainerEntityManagerFactoryBean.class, HibernateJpaDialect.class })
	static class JpaFailoverConfiguration {

		@Bean
		static BeanPostProcessor rwRoutingFailoverJpaDialectPostProcessor() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof LocalContainerEntityManagerFactoryBean factory) {
						JpaDialect dialect = factory.getJpaDialect();
						if (dialect == null && factory.getJpaVendorAdapter() != null) {
							dialect = factory.getJpaVendorAdapter().getJpaDialect();
						}
						if (dialect != null && dialect.getClass() == HibernateJpaDialect.class) {
							factory.setJpaDialect(new FailoverHibernateJpaDialect());
						}
					}
					return bean;
				}

			};
		}

	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor rwRoutingFailoverRetryAdvisor(ObjectProvider<RwRoutingProperties> properties,
			BeanFactory beanFactory) {
		ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(FailoverRetry.class, true))
			.union(new AnnotationMatchingPointcut(null, FailoverRetry.class, true));
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut,
				new LazyFailoverRetryInterceptor(properties, () -> retryListener(beanFactory)));
		advisor.setOrder(RETRY_ORDER);
		return advisor;
	}

	/**
	 * The retry metrics, looked up by name: this class must not name the metrics type, which needs
	 * Micrometer (see {@code RwRoutingMetricsAutoConfiguration}).
	 */
	private static @Nullable RetryListener retryListener(BeanFactory beanFactory) {
		return beanFactory.containsBean(FAILOVER_RETRY_LISTENER_BEAN_NAME)
				? beanFactory.getBean(FAILOVER_RETRY_LISTENER_BEAN_NAME, RetryListener.class) : null;
	}

	/**
	 * Builds the interceptor on first use, so that the advisor (infrastructure, created early) does
	 * not pull the properties and the metrics into early initialization.
	 */
	static final class LazyFailoverRetryInterceptor implements MethodInterceptor {

		private final SingletonSupplier<FailoverRetryInterceptor> delegate;

		LazyFailoverRetryInterceptor(ObjectProvider<RwRoutingProperties> properties,
				Supplier<@Nullable RetryListener> listener) {
			this.delegate = SingletonSupplier.of(() -> create(properties.getObject(), listener.get()));
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			return this.delegate.obtain().invoke(invocation);
		}

		private static FailoverRetryInterceptor create(RwRoutingProperties properties,
				@Nullable RetryListener metrics) {
			RwRoutingProperties.Failover.Retry retry = properties.getFailover().getRetry();
			return new FailoverRetryInterceptor(() -> RetryPolicy.builder()
				.maxRetries(retry.getMaxRetries())
				.delay(retry.getDelay())
				.multiplier(retry.getMultiplier())
				.maxDelay(retry.getMaxDelay())
				.jitter(retry.getJitter()), (metrics != null) ? metrics : new RetryListener() {
				});
		}

	}

}
