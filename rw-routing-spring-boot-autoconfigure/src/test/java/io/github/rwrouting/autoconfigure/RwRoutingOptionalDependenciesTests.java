package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.autoconfigure.RwRoutingConsistencyPropagationAutoConfiguration.ConsistencyAccessorRegistration;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.web.ConsistencyClientInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.task.TaskDecorator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every optional dependency can be missing: the context starts, routing works, and only what needs
 * the missing library backs off. {@link FilteredClassLoader} hides the library from class
 * conditions; {@code NoMicrometerApplicationTests} runs an application whose class path really
 * lacks Micrometer and Actuator, which is what catches a configuration class that names a
 * Micrometer type.
 */
class RwRoutingOptionalDependenciesTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			RwRoutingAutoConfiguration.class, RwRoutingWebAutoConfiguration.class,
			RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
			RwRoutingConsistencyPropagationAutoConfiguration.class, RwRoutingSanitizingAutoConfiguration.class);

	private static final String[] PROPERTIES = { "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
			"rw-routing.readers.replica-1.url=jdbc:postgresql://127.0.0.1:2/app" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL)
		.withPropertyValues(PROPERTIES);

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner().withConfiguration(ALL)
		.withPropertyValues(PROPERTIES);

	@Test
	void everythingPresent() {
		this.runner.run((context) -> {
			assertRouting(context);
			assertThat(context).hasSingleBean(RoutingMetrics.class);
			assertThat(context).hasSingleBean(FailoverMetrics.class);
			assertThat(context).hasSingleBean(RwRoutingHealthIndicator.class);
			assertThat(context).hasSingleBean(SanitizingFunction.class);
			assertThat(context).hasSingleBean(ConsistencyAccessorRegistration.class);
			assertThat(context).hasSingleBean(ConsistencyClientInterceptor.class);
			assertThat(context).hasBean("rwRoutingFlywayWriterCustomizer");
			assertThat(context).hasBean("rwRoutingLiquibaseWriterPostProcessor");
			assertThat(context).hasBean("rwRoutingFailoverJpaDialectPostProcessor");
			assertThat(context).hasBean("rwRoutingConsistencyWebClientBuilderPostProcessor");
		});
	}

	@Test
	void withoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean(RoutingMetrics.class);
			assertThat(context).doesNotHaveBean("rwRoutingFailoverMetrics");
			// The retry advisor works without its metrics.
			assertThat(context).hasBean("rwRoutingFailoverRetryAdvisor");
			assertThat(context.getBean("rwRoutingFailoverRetryAdvisor")).isInstanceOf(Advisor.class);
		});
	}

	@Test
	void withoutActuator() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> {
				assertRouting(context);
				assertThat(context).doesNotHaveBean(RwRoutingHealthIndicator.class);
				assertThat(context).doesNotHaveBean("rwRoutingSecretsSanitizingFunction");
				assertThat(context).hasSingleBean(RoutingMetrics.class);
			});
	}

	@Test
	void servletWebApplication() {
		this.webRunner.run((context) -> {
			assertRouting(context);
			assertThat(context).hasBean("rwRoutingConsistencyFilter");
		});
	}

	@Test
	void withoutTheServletApi() {
		this.runner.withClassLoader(new FilteredClassLoader("jakarta.servlet", "org.springframework.web.servlet",
				"org.springframework.boot.web", "org.springframework.boot.webmvc"))
			.run((context) -> {
				assertRouting(context);
				assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
			});
	}

	@Test
	void withoutSpringWeb() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.web", "org.springframework.http",
				"org.springframework.boot.restclient"))
			.run((context) -> {
				assertRouting(context);
				assertThat(context).doesNotHaveBean("rwRoutingConsistencyFilter");
				assertThat(context).doesNotHaveBean(ConsistencyClientInterceptor.class);
				assertThat(context).doesNotHaveBean("rwRoutingConsistencyWebClientBuilderPostProcessor");
			});
	}

	@Test
	void withoutWebFlux() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.web.reactive")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean("rwRoutingConsistencyWebClientBuilderPostProcessor");
			assertThat(context).hasSingleBean(ConsistencyClientInterceptor.class);
		});
	}

	@Test
	void withoutReactor() {
		this.runner.withClassLoader(new FilteredClassLoader("reactor.")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean("rwRoutingConsistencyWebClientBuilderPostProcessor");
		});
	}

	@Test
	void withoutJpaOrHibernate() {
		this.runner.withClassLoader(new FilteredClassLoader("org.hibernate", "jakarta.persistence",
				"org.springframework.orm.jpa"))
			.run((context) -> {
				assertRouting(context);
				assertThat(context).doesNotHaveBean("rwRoutingFailoverJpaDialectPostProcessor");
			});
	}

	@Test
	void withoutFlyway() {
		this.runner.withClassLoader(new FilteredClassLoader("org.flywaydb")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean(FlywayConfigurationCustomizer.class);
		});
	}

	@Test
	void withoutLiquibase() {
		this.runner.withClassLoader(new FilteredClassLoader("liquibase")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean("rwRoutingLiquibaseWriterPostProcessor");
		});
	}

	@Test
	void withoutTheAwsJdbcWrapper() {
		this.runner.withClassLoader(new FilteredClassLoader("software.amazon.jdbc"))
			.run((context) -> assertRouting(context));
	}

	@Test
	void withoutContextPropagation() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.context")).run((context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean(ConsistencyAccessorRegistration.class);
			assertThat(context).doesNotHaveBean(TaskDecorator.class);
		});
	}

	@Test
	void withoutAnyOptionalDependency() {
		ContextConsumer<AssertableApplicationContext> assertions = (context) -> {
			assertRouting(context);
			assertThat(context).doesNotHaveBean(RoutingMetrics.class);
			assertThat(context).doesNotHaveBean(RwRoutingHealthIndicator.class);
			assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
			assertThat(context).doesNotHaveBean(ConsistencyClientInterceptor.class);
			assertThat(context).doesNotHaveBean(ConsistencyAccessorRegistration.class);
			assertThat(context).doesNotHaveBean("rwRoutingFailoverJpaDialectPostProcessor");
			assertThat(context).doesNotHaveBean("rwRoutingFlywayWriterCustomizer");
			assertThat(context).doesNotHaveBean("rwRoutingLiquibaseWriterPostProcessor");
		};
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core", "io.micrometer.context",
				"org.springframework.boot.actuate", "org.springframework.boot.health", "jakarta.servlet",
				"org.springframework.web", "org.springframework.http", "org.springframework.boot.web",
				"org.springframework.boot.webmvc", "reactor.", "org.hibernate",
				"jakarta.persistence", "org.springframework.orm.jpa", "org.flywaydb", "liquibase",
				"software.amazon.jdbc", "org.springframework.boot.restclient"))
			.run(assertions);
	}

	private static void assertRouting(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		assertThat(context).hasSingleBean(RoutingDataSource.class);
		assertThat(context).hasSingleBean(SQLExceptionTranslator.class);
	}

	private static void assertRouting(AssertableWebApplicationContext context) {
		assertThat(context).hasNotFailed();
		assertThat(context).hasSingleBean(RoutingDataSource.class);
		assertThat(context).hasSingleBean(SQLExceptionTranslator.class);
	}

}
