package io.github.rwrouting.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bean layout, configuration binding and startup failures. Pools are not started here (Hikari
 * connects on first use), so no database is needed.
 */
class RwRoutingAutoConfigurationTests {

	private static final String READER = "rw-routing.readers.replica-1.url=jdbc:postgresql://replica1.example.com:5432/app";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://writer.example.com:5432/app",
				"spring.datasource.username=app", "spring.datasource.password=s3cret");

	@Test
	void dataSourceRoutesBetweenAWriterPoolAndAPoolPerReader() {
		this.runner
			.withPropertyValues("rw-routing.readers.replica-1.url=jdbc:postgresql://replica1.example.com:5432/app",
					"rw-routing.readers.replica-2.url=jdbc:postgresql://replica2.example.com:5432/app")
			.run((context) -> {
				assertThat(context).hasSingleBean(RoutingDataSource.class);
				assertThat(context.getBean(DataSource.class)).isInstanceOf(RoutingDataSource.class);
				assertThat(context.getBean("dataSource")).isInstanceOf(RoutingDataSource.class);
				RoutingDataSource routing = context.getBean(RoutingDataSource.class);
				assertThat(routing.getPlanner().writer().name()).isEqualTo("writer");
				assertThat(routing.getPlanner().readers()).extracting(Route::name)
					.containsExactly("replica-1", "replica-2");
				assertThat(routing.getPlanner().readers()).extracting(Route::poolName)
					.containsExactly("reader-replica-1", "reader-replica-2");
				HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
				assertThat(writer.getJdbcUrl()).isEqualTo("jdbc:postgresql://writer.example.com:5432/app");
				assertThat(writer.getPoolName()).isEqualTo("writer");
				assertThat(writer.isReadOnly()).isFalse();
				HikariDataSource reader = context.getBean("reader-replica-1DataSource", HikariDataSource.class);
				assertThat(reader.getJdbcUrl()).isEqualTo("jdbc:postgresql://replica1.example.com:5432/app");
				assertThat(reader.getPoolName()).isEqualTo("reader-replica-1");
				assertThat(reader.isReadOnly()).isTrue();
				assertThat(reader.getUsername()).isEqualTo("app");
				assertThat(reader.getPassword()).isEqualTo("s3cret");
			});
	}

	@Test
	void readersInheritTheWritersHikariSettingsAndMayOverrideThem() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=7",
					"spring.datasource.hikari.connection-timeout=1234",
					"spring.datasource.hikari.data-source-properties.prepareThreshold=0",
					"rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app",
					"rw-routing.readers.b.url=jdbc:postgresql://b.example.com:5432/app",
					"rw-routing.readers.b.username=reporting", "rw-routing.readers.b.password=other",
					"rw-routing.readers.b.hikari.maximum-pool-size=3")
			.run((context) -> {
				HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
				HikariDataSource a = context.getBean("reader-aDataSource", HikariDataSource.class);
				HikariDataSource b = context.getBean("reader-bDataSource", HikariDataSource.class);
				assertThat(writer.getMaximumPoolSize()).isEqualTo(7);
				assertThat(a.getMaximumPoolSize()).isEqualTo(7);
				// Not the writer's: readers wait rw-routing.reader-pool.borrow-timeout, then use the writer.
				assertThat(a.getConnectionTimeout()).isEqualTo(1000);
				assertThat(a.getDataSourceProperties()).containsEntry("prepareThreshold", "0");
				assertThat(b.getMaximumPoolSize()).isEqualTo(3);
				assertThat(b.getConnectionTimeout()).isEqualTo(1000);
				assertThat(b.getUsername()).isEqualTo("reporting");
				assertThat(b.getPassword()).isEqualTo("other");
				assertThat(b.getJdbcUrl()).isEqualTo("jdbc:postgresql://b.example.com:5432/app");
			});
	}

	@Test
	void writerHikariUrlOrPoolNameDoNotLeakIntoReaders() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.pool-name=primary-pool",
					"rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app")
			.run((context) -> {
				assertThat(context.getBean("writerDataSource", HikariDataSource.class).getPoolName())
					.isEqualTo("primary-pool");
				assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getPoolName())
					.isEqualTo("reader-a");
			});
	}

	@Test
	void readersCannotBeMadeWritable() {
		this.runner
			.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app",
					"rw-routing.readers.a.hikari.read-only=false")
			.run((context) -> assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).isReadOnly())
				.isTrue());
	}

	@Test
	void noReadersLeavesSpringBootsOwnDataSource() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingDataSource.class);
			assertThat(context).doesNotHaveBean("writerDataSource");
			assertThat(context).doesNotHaveBean(RwRoutingProperties.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
		});
	}

	@Test
	void disabledLeavesSpringBootsOwnDataSource() {
		this.runner
			.withPropertyValues("rw-routing.enabled=false",
					"rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RoutingDataSource.class);
				assertThat(context).doesNotHaveBean("reader-aDataSource");
				assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
			});
	}

	@Test
	void userDefinedDataSourceWins() {
		this.runner.withPropertyValues(READER)
			.withBean("myDataSource", DataSource.class, HikariDataSource::new)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RoutingDataSource.class);
				assertThat(context).doesNotHaveBean("writerDataSource");
			});
	}

	@Test
	void readerWithoutUrlFailsWithTheProperty() {
		this.runner.withPropertyValues("rw-routing.readers.replica-1.username=x").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("rw-routing.readers.replica-1.url");
			assertThat(analysis.getAction()).contains("Set rw-routing.readers.replica-1.url");
		});
	}

	@Test
	void readersWithoutWriterUrlFailWithTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("spring.datasource.url");
				assertThat(analysis.getAction()).contains("Set spring.datasource.url");
			});
	}

	@Test
	void badReaderNameFailsWithTheProperty() {
		this.runner.withPropertyValues("rw-routing.readers.[Replica_1].url=jdbc:postgresql://a.example.com/app")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("rw-routing.readers.Replica_1");
				assertThat(analysis.getAction()).contains("lower-case");
			});
	}

	@Test
	void unknownReaderPropertyFailsAtStartup() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com/app",
				"rw-routing.readers.a.urll=jdbc:postgresql://typo.example.com/app")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("rw-routing.readers.a.urll"));
	}

	@Test
	void unknownReaderHikariPropertyFailsAtStartup() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com/app",
				"rw-routing.readers.a.hikari.maximum-pool-sizee=3")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("rw-routing.readers.a.hikari.maximum-pool-sizee"));
	}

	@Test
	void readerHikariSettingsAreBoundToHikarisOwnType() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com/app",
				"rw-routing.readers.a.hikari.maximum-pool-size=3",
				"rw-routing.readers.a.hikari.data-source-properties.prepareThreshold=0")
			.run((context) -> {
				RwRoutingProperties.Reader reader = context.getBean(RwRoutingProperties.class).getReaders().get("a");
				assertThat(reader.getHikari().getMaximumPoolSize()).isEqualTo(3);
				assertThat(reader.getHikari().getDataSourceProperties()).containsEntry("prepareThreshold", "0");
			});
	}

	@Test
	void readerHikariValueHikariRefusesFailsAtStartupNamingTheProperty() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://a.example.com/app",
				"rw-routing.readers.a.hikari.maximum-pool-size=many")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("rw-routing.readers.a.hikari.maximum-pool-size"));
	}

	@Test
	void unknownNonTransactionalValueFailsAtStartup() {
		this.runner.withPropertyValues(READER, "rw-routing.non-transactional=replica")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("rw-routing.non-transactional"));
	}

	@Test
	void shortSigningKeyFailsWithTheProperty() {
		this.runner.withPropertyValues(READER, "rw-routing.consistency.signing-key=too-short").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("rw-routing.consistency.signing-key")
				.doesNotContain("too-short");
			assertThat(analysis.getAction()).contains("at least 16 characters");
		});
	}

	@Test
	void tooShortMonitorIntervalFailsWithTheProperty() {
		this.runner.withPropertyValues(READER, "rw-routing.monitor.interval=10ms").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("rw-routing.monitor.interval");
			assertThat(analysis.getAction()).contains("100ms");
		});
	}

	@Test
	void unknownDialectFailsWithTheProperty() {
		this.runner.withPropertyValues(READER, "rw-routing.dialect=oracle").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("rw-routing.dialect");
			assertThat(analysis.getAction()).contains("postgresql");
		});
	}

	@Test
	void failureMessagesNeverShowPasswords() {
		this.runner.withPropertyValues("rw-routing.readers.replica-1.password=hunter2").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).doesNotContain("hunter2").doesNotContain("s3cret");
			assertThat(analysis.getAction()).doesNotContain("hunter2").doesNotContain("s3cret");
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable cause = failure;
		while (cause != null && !(cause instanceof RwRoutingConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("RwRoutingConfigurationException in %s", failure).isNotNull();
		FailureAnalysis analysis = new RwRoutingConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
