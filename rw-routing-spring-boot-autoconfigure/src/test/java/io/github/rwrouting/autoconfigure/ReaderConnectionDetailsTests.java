package io.github.rwrouting.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers supplied as {@link ReaderConnectionDetails} beans, next to and instead of
 * {@code rw-routing.readers.*}, and the writer's {@link JdbcConnectionDetails} next to them. Pools
 * are not started (Hikari connects on first use), so no database is needed.
 */
class ReaderConnectionDetailsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://writer.example.com:5432/app",
				"spring.datasource.username=app", "spring.datasource.password=s3cret");

	@Test
	void aReaderConnectionDetailsBeanAddsAReaderNamedAfterTheBean() {
		this.runner.withUserConfiguration(OneReader.class).run((context) -> {
			RoutingDataSource routing = context.getBean(RoutingDataSource.class);
			assertThat(routing.getPlanner().readers()).extracting(Route::name).containsExactly("replica-1");
			HikariDataSource pool = context.getBean("reader-replica-1DataSource", HikariDataSource.class);
			assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:postgresql://replica1.example.com:5432/app");
			assertThat(pool.getPoolName()).isEqualTo("reader-replica-1");
			assertThat(pool.isReadOnly()).isTrue();
			assertThat(pool.getUsername()).isEqualTo("app");
			assertThat(pool.getPassword()).isEqualTo("s3cret");
			assertThat(pool.getDriverClassName()).isEqualTo("org.postgresql.Driver");
			assertThat(((AbstractBeanDefinition) context.getBeanFactory()
				.getBeanDefinition("reader-replica-1DataSource")).isDefaultCandidate()).isFalse();
		});
	}

	@Test
	void detailsWinOverTheReadersPropertiesForTheConnectionButNotForTheRest() {
		this.runner.withUserConfiguration(OneReaderWithCredentials.class)
			.withPropertyValues("rw-routing.readers.replica-1.url=jdbc:postgresql://ignored.example.com:5432/app",
					"rw-routing.readers.replica-1.username=ignored",
					"rw-routing.readers.replica-1.hikari.maximum-pool-size=3",
					"rw-routing.readers.other.url=jdbc:postgresql://other.example.com:5432/app")
			.run((context) -> {
				HikariDataSource pool = context.getBean("reader-replica-1DataSource", HikariDataSource.class);
				assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:postgresql://replica1.example.com:5432/app");
				assertThat(pool.getUsername()).isEqualTo("reporting");
				assertThat(pool.getPassword()).isEqualTo("other");
				assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
				RoutingDataSource routing = context.getBean(RoutingDataSource.class);
				assertThat(routing.getPlanner().readers()).extracting(Route::name)
					.containsExactly("replica-1", "other");
				assertThat(context.getBean("reader-otherDataSource", HikariDataSource.class).getJdbcUrl())
					.isEqualTo("jdbc:postgresql://other.example.com:5432/app");
			});
	}

	@Test
	void writerDetailsAndReaderDetailsDoNotCompete() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withUserConfiguration(WriterAndReaders.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
				assertThat(writer.getJdbcUrl()).isEqualTo("jdbc:postgresql://primary.example.com:5432/app");
				assertThat(writer.getUsername()).isEqualTo("owner");
				HikariDataSource reader = context.getBean("reader-replica-2DataSource", HikariDataSource.class);
				assertThat(reader.getJdbcUrl()).isEqualTo("jdbc:postgresql://replica2.example.com:5432/app");
				assertThat(reader.getUsername()).isEqualTo("owner");
				assertThat(context.getBean(RoutingDataSource.class).getPlanner().readers()).extracting(Route::name)
					.containsExactlyInAnyOrder("replica-1", "replica-2");
			});
	}

	@Test
	void twoWriterCandidatesWithoutAPrimaryFailWithTheFix() {
		// With a reader: without one routing backs off and Spring Boot's own pool reports the ambiguity.
		this.runner.withUserConfiguration(TwoJdbcConnectionDetails.class)
			.withPropertyValues("rw-routing.readers.replica-1.url=jdbc:postgresql://replica.example.com:5432/app")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("2 JdbcConnectionDetails beans")
					.contains("primaryDetails")
					.contains("replicaDetails");
				assertThat(analysis.getAction()).contains("ReaderConnectionDetails");
			});
	}

	@Test
	void aReaderConnectionDetailsBeanNotNamedLikeAReaderFailsWithTheFix() {
		this.runner.withBean("replicaOne", ReaderConnectionDetails.class, () -> () -> "jdbc:postgresql://r/app")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'replicaOne'");
				assertThat(analysis.getAction()).contains("@Bean(\"replica-1\")");
			});
	}

	@Test
	void readerDetailsWithoutAWriterFailWithTheWritersProperty() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withUserConfiguration(OneReader.class)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("spring.datasource.url");
			});
	}

	@Test
	void readersAddedAfterThePoolsWereRegisteredFailInsteadOfBeingLeftOut() {
		// What happens when an AOT-processed application runs with a reader it was not built with.
		this.runner.withUserConfiguration(OneReader.class, LateReader.class)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("[replica-1, late]").contains("[replica-1]");
				assertThat(analysis.getAction()).contains("spring.aot.enabled");
			});
	}

	private static @Nullable FailureAnalysis analyze(@Nullable Throwable failure) {
		assertThat(failure).isNotNull();
		return new RwRoutingConfigurationFailureAnalyzer().analyze(failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class OneReader {

		@Bean("replica-1")
		ReaderConnectionDetails replica1() {
			return () -> "jdbc:postgresql://replica1.example.com:5432/app";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneReaderWithCredentials {

		@Bean("replica-1")
		ReaderConnectionDetails replica1() {
			return new ReaderConnectionDetails() {

				@Override
				public String getJdbcUrl() {
					return "jdbc:postgresql://replica1.example.com:5432/app";
				}

				@Override
				public String getUsername() {
					return "reporting";
				}

				@Override
				public String getPassword() {
					return "other";
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WriterAndReaders {

		@Bean
		JdbcConnectionDetails writerDetails() {
			return new JdbcConnectionDetails() {

				@Override
				public String getJdbcUrl() {
					return "jdbc:postgresql://primary.example.com:5432/app";
				}

				@Override
				public String getUsername() {
					return "owner";
				}

				@Override
				public String getPassword() {
					return "pw";
				}

			};
		}

		@Bean("replica-1")
		ReaderConnectionDetails replica1() {
			return () -> "jdbc:postgresql://replica1.example.com:5432/app";
		}

		@Bean("replica-2")
		ReaderConnectionDetails replica2() {
			return () -> "jdbc:postgresql://replica2.example.com:5432/app";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoJdbcConnectionDetails {

		@Bean
		JdbcConnectionDetails primaryDetails() {
			return details("jdbc:postgresql://primary.example.com:5432/app");
		}

		@Bean
		JdbcConnectionDetails replicaDetails() {
			return details("jdbc:postgresql://replica.example.com:5432/app");
		}

		private static JdbcConnectionDetails details(String url) {
			return new JdbcConnectionDetails() {

				@Override
				public String getJdbcUrl() {
					return url;
				}

				@Override
				public String getUsername() {
					return "app";
				}

				@Override
				public String getPassword() {
					return null;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateReader {

		/**
		 * Registers a reader after the auto-configuration registered the pools: it runs after
		 * configuration class processing, which is priority-ordered.
		 */
		@Bean
		static BeanDefinitionRegistryPostProcessor lateReaderRegistration() {
			return (registry) -> registry.registerBeanDefinition("late", new RootBeanDefinition(
					ReaderConnectionDetails.class, () -> () -> "jdbc:postgresql://late.example.com:5432/app"));
		}

	}

}
