package io.github.rwrouting.autoconfigure;

import java.util.Arrays;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.routing.RoutingDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing backs off like a Spring Boot auto-configuration: without readers, with the application's
 * own {@code DataSource}, and when {@code DataSourceAutoConfiguration} is excluded. Then the
 * application has Spring Boot's own pool, untouched, and no rw-routing bean.
 */
@ExtendWith(OutputCaptureExtension.class)
class RwRoutingBackOffTests {

	private static final AutoConfigurations ROUTING = AutoConfigurations.of(RwRoutingAutoConfiguration.class,
			RwRoutingWebAutoConfiguration.class, RwRoutingMetricsAutoConfiguration.class,
			RwRoutingHealthAutoConfiguration.class, RwRoutingConsistencyPropagationAutoConfiguration.class);

	private static final String WRITER_URL = "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app";

	private static final String READER = "rw-routing.readers.replica-1.url=jdbc:postgresql://127.0.0.1:2/app";

	@Test
	void withoutReadersTheDataSourceIsSpringBootsOwnPool(CapturedOutput output) {
		ApplicationContextRunner bootAlone = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues(WRITER_URL, "spring.datasource.hikari.maximum-pool-size=3");
		ApplicationContextRunner withStarter = bootAlone.withConfiguration(ROUTING);
		bootAlone.run((boot) -> withStarter.run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource expected = boot.getBean(HikariDataSource.class);
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(context.getBean(DataSource.class)).isSameAs(dataSource);
			assertThat(context.getBeanNamesForType(DataSource.class)).containsExactly("dataSource");
			assertThat(dataSource.getPoolName()).isEqualTo(expected.getPoolName());
			assertThat(dataSource.getJdbcUrl()).isEqualTo(expected.getJdbcUrl());
			assertThat(dataSource.getMaximumPoolSize()).isEqualTo(3);
			assertNoRwRoutingBeans(context);
		}));
		assertThat(output).doesNotContain("rw-routing");
	}

	@Test
	void withoutReadersSpringBootsPoolNameIsKept() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withConfiguration(ROUTING)
			.withPropertyValues(WRITER_URL, "spring.datasource.name=orders")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getPoolName()).isEqualTo("orders"));
	}

	@Test
	void withReadersTheDataSourceRoutes() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withConfiguration(ROUTING)
			.withPropertyValues(WRITER_URL, READER)
			.run((context) -> assertThat(context.getBean(DataSource.class)).isInstanceOf(RoutingDataSource.class));
	}

	@Test
	void aWebApplicationWithItsOwnDataSourceStartsWithoutRouting() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withConfiguration(ROUTING)
			.withPropertyValues(WRITER_URL, READER)
			.withUserConfiguration(OwnDataSource.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("ownDataSource"));
				assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
				assertNoRwRoutingBeans(context);
			});
	}

	@Test
	void excludingDataSourceAutoConfigurationExcludesRouting() {
		// Through Spring Boot's auto-configuration import selector, as in an application. The test
		// package holds Spring Data JPA repositories (jpa.NoteRepository): with a DataSource they
		// would activate and need the excluded entity manager factory.
		new ApplicationContextRunner().withUserConfiguration(ExcludingDataSourceApplication.class)
			.withPropertyValues(WRITER_URL, READER)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DataSource.class);
				assertNoRwRoutingBeans(context);
			});
	}

	@Test
	void excludingDataSourceAutoConfigurationByPropertyExcludesRouting() {
		new ApplicationContextRunner().withUserConfiguration(AutoConfiguredApplication.class)
			.withPropertyValues(WRITER_URL, READER,
					"spring.autoconfigure.exclude=" + DataSourceAutoConfiguration.class.getName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DataSource.class);
				assertNoRwRoutingBeans(context);
			});
	}

	@Test
	void withDataSourceAutoConfigurationImportedRoutingIsOn() {
		new ApplicationContextRunner().withUserConfiguration(AutoConfiguredApplication.class)
			// Nothing here may connect: the database is not there.
			.withPropertyValues(WRITER_URL, READER, "rw-routing.monitor.enabled=false",
					"spring.autoconfigure.exclude=" + HibernateJpaAutoConfiguration.class.getName() + ","
							+ LiquibaseAutoConfiguration.class.getName() + ","
							+ FlywayAutoConfiguration.class.getName() + ","
							+ DataJpaRepositoriesAutoConfiguration.class.getName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DataSource.class)).isInstanceOf(RoutingDataSource.class);
			});
	}

	/**
	 * No rw-routing bean, except the function that hides rw-routing's secrets from Actuator, which
	 * stays whenever Actuator is there: the properties may be set while routing is off.
	 */
	static void assertNoRwRoutingBeans(ConfigurableApplicationContext context) {
		String[] names = context.getBeanDefinitionNames();
		assertThat(Arrays.stream(names)
			.filter((name) -> !name.equals("rwRoutingSecretsSanitizingFunction")
					&& !name.equals(RwRoutingSanitizingAutoConfiguration.class.getName()))
			.filter((name) -> isRwRouting(context, name))).as("rw-routing beans").isEmpty();
	}

	private static boolean isRwRouting(ConfigurableApplicationContext context, String name) {
		if (name.contains("Tests")) {
			return false;
		}
		if (name.toLowerCase().contains("rwrouting") || name.contains("rw-routing")) {
			return true;
		}
		BeanDefinition definition = context.getBeanFactory().getBeanDefinition(name);
		String className = definition.getBeanClassName();
		if (className == null && definition.getResolvableType().resolve() != null) {
			className = definition.getResolvableType().resolve().getName();
		}
		return className != null && className.startsWith("io.github.rwrouting")
				&& !className.contains("Tests");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSource {

		@Bean
		HikariDataSource ownDataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:postgresql://127.0.0.1:3/own");
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, HibernateJpaAutoConfiguration.class })
	static class ExcludingDataSourceApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class AutoConfiguredApplication {

	}

}
