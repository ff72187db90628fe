package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.observation.RouteObservations;
import io.github.rwrouting.routing.RoutingDataSource;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing decisions are observed only when the application has an {@link ObservationRegistry}
 * bean, and the context starts without micrometer-observation. Nothing here connects: the
 * database is not there.
 */
class RwRoutingObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, RwRoutingAutoConfiguration.class,
				RwRoutingObservationAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"rw-routing.readers.replica-1.url=jdbc:postgresql://127.0.0.1:2/app", "rw-routing.monitor.enabled=false");

	@Test
	void withSpringBootsObservationRegistryRoutesAreObserved() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class)).run((context) -> {
			assertThat(context).hasSingleBean(ObservationRegistry.class);
			assertThat(context).hasSingleBean(RouteObservations.class);
			assertThat(context.getBean(javax.sql.DataSource.class)).isInstanceOf(RoutingDataSource.class);
		});
	}

	@Test
	void withAnObservationRegistryOfTheApplicationRoutesAreObserved() {
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.run((context) -> assertThat(context).hasSingleBean(RouteObservations.class));
	}

	@Test
	void withoutAnObservationRegistryBeanNothingIsObserved() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RoutingDataSource.class);
			assertThat(context).doesNotHaveBean(RouteObservations.class);
		});
	}

	@Test
	void withoutMicrometerObservationTheContextStartsWithoutObservations() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RoutingDataSource.class);
				assertThat(context).doesNotHaveBean(RouteObservations.class);
			});
	}

	@Test
	void withoutRoutingNothingIsObserved() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RwRoutingAutoConfiguration.class, RwRoutingObservationAutoConfiguration.class,
					ObservationAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> {
				assertThat(context).hasSingleBean(ObservationRegistry.class);
				assertThat(context).doesNotHaveBean(RoutingDataSource.class);
				assertThat(context).doesNotHaveBean(RouteObservations.class);
			});
	}

}
