package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyThreadLocalAccessor;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.web.ConsistencyClientInterceptor;
import io.github.rwrouting.web.ConsistencyExchangeFilter;
import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Carries the consistency token where the work goes: into {@code @Async} methods, executors and
 * Reactor (Micrometer context propagation), and to downstream services through {@code RestClient},
 * {@code RestTemplate} and {@code WebClient}.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class)
@ConditionalOnBean(ConsistencyContext.class)
@Conditional(ConsistencyEnabledCondition.class)
public final class RwRoutingConsistencyPropagationAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ContextRegistry.class)
	static class ContextPropagationConfiguration {

		@Bean
		ConsistencyAccessorRegistration rwRoutingConsistencyAccessorRegistration(ConsistencyContext context) {
			return new ConsistencyAccessorRegistration(context);
		}

		@Bean
		@ConditionalOnMissingBean(TaskDecorator.class)
		ContextPropagatingTaskDecorator rwRoutingContextPropagatingTaskDecorator() {
			return new ContextPropagatingTaskDecorator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
	static class RestClientConfiguration {

		@Bean
		ConsistencyClientInterceptor rwRoutingConsistencyClientInterceptor(ConsistencyContext context,
				ConsistencyTokenCodec codec, RwRoutingProperties properties) {
			return new ConsistencyClientInterceptor(context, codec, properties.getConsistency().getHeaderName());
		}

		@Bean
		RestClientCustomizer rwRoutingConsistencyRestClientCustomizer(ConsistencyClientInterceptor interceptor) {
			return (builder) -> builder.requestInterceptor(interceptor);
		}

		@Bean
		RestTemplateCustomizer rwRoutingConsistencyRestTemplateCustomizer(ConsistencyClientInterceptor interceptor) {
			return (restTemplate) -> restTemplate.getInterceptors().add(interceptor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, Mono.class })
	static class WebClientConfiguration {

		@Bean
		static BeanPostProcessor rwRoutingConsistencyWebClientBuilderPostProcessor(
				ObjectProvider<ConsistencyContext> context, ObjectProvider<ConsistencyTokenCodec> codec,
				ObjectProvider<RwRoutingProperties> properties) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof WebClient.Builder builder) {
						builder.filter(new ConsistencyExchangeFilter(context.getObject(), codec.getObject(),
								properties.getObject().getConsistency().getHeaderName()));
					}
					return bean;
				}

			};
		}

	}

	/**
	 * Registers the token with Micrometer's context registry while the application runs.
	 */
	static final class ConsistencyAccessorRegistration implements InitializingBean, DisposableBean {

		private final ConsistencyThreadLocalAccessor accessor;

		ConsistencyAccessorRegistration(ConsistencyContext context) {
			this.accessor = new ConsistencyThreadLocalAccessor(context);
		}

		@Override
		public void afterPropertiesSet() {
			ContextRegistry.getInstance().registerThreadLocalAccessor(this.accessor);
		}

		@Override
		public void destroy() {
			ContextRegistry.getInstance().removeThreadLocalAccessor(ConsistencyThreadLocalAccessor.KEY);
		}

	}

}
