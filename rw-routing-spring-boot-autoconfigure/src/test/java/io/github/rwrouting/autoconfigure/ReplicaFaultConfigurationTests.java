package io.github.rwrouting.autoconfigure;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.failover.ReaderConnections;
import io.github.rwrouting.failover.ReaderSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bounds on waiting for a reader, and configuration that must fail or warn at startup. Pools are
 * not started (Hikari connects on first use), so no database is needed.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplicaFaultConfigurationTests {

	private static final String READER_A = "rw-routing.readers.a.url=jdbc:postgresql://a.example.com:5432/app";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://writer.example.com:5432/app",
				"spring.datasource.username=app", "spring.datasource.password=s3cret");

	@Test
	void readerPoolsWaitBrieflyForAConnectionByDefault() {
		this.runner.withPropertyValues(READER_A, "spring.datasource.hikari.connection-timeout=30000").run((context) -> {
			HikariDataSource reader = context.getBean("reader-aDataSource", HikariDataSource.class);
			HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
			assertThat(reader.getConnectionTimeout()).isEqualTo(1000);
			assertThat(writer.getConnectionTimeout()).isEqualTo(30000);
			assertThat(reader.getDataSourceProperties()).containsEntry("connectTimeout", "2")
				.containsEntry("loginTimeout", "2")
				.doesNotContainKey("socketTimeout");
			assertThat(reader.getDataSource()).isInstanceOf(ReaderConnections.class);
			assertThat(writer.getDataSourceProperties()).doesNotContainKey("connectTimeout");
			assertThat(reader.getValidationTimeout()).isEqualTo(1000);
			assertThat(writer.getValidationTimeout()).isEqualTo(5000);
		});
	}

	@Test
	void readerValidationTimeoutIsConfigurableAndAReadersOwnHikariSettingWins() {
		this.runner
			.withPropertyValues(READER_A, "rw-routing.readers.b.url=jdbc:postgresql://b.example.com:5432/app",
					"rw-routing.reader-pool.validation-timeout=2s", "rw-routing.readers.b.hikari.validation-timeout=750")
			.run((context) -> {
				assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getValidationTimeout())
					.isEqualTo(2000);
				assertThat(context.getBean("reader-bDataSource", HikariDataSource.class).getValidationTimeout())
					.isEqualTo(750);
			});
	}

	@Test
	void readerPoolsKeepTheValidationTimeoutTheUserSetForEveryPool() {
		this.runner.withPropertyValues(READER_A, "spring.datasource.hikari.validation-timeout=3000").run((context) -> {
			assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getValidationTimeout())
				.isEqualTo(3000);
			assertThat(context.getBean("writerDataSource", HikariDataSource.class).getValidationTimeout())
				.isEqualTo(3000);
		});
	}

	@Test
	void anExplicitReaderValidationTimeoutWinsOverTheOneSetForEveryPool() {
		this.runner
			.withPropertyValues(READER_A, "spring.datasource.hikari.validation-timeout=3000",
					"rw-routing.reader-pool.validation-timeout=2s")
			.run((context) -> {
				assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getValidationTimeout())
					.isEqualTo(2000);
				assertThat(context.getBean("writerDataSource", HikariDataSource.class).getValidationTimeout())
					.isEqualTo(3000);
			});
	}

	@Test
	void hikariKeepsTheDefaultReaderValidationTimeoutAboveAShorterBorrowTimeout() {
		this.runner.withPropertyValues(READER_A, "rw-routing.reader-pool.borrow-timeout=500ms").run((context) -> {
			HikariDataSource reader = context.getBean("reader-aDataSource", HikariDataSource.class);
			// What Hikari checks and corrects when the pool starts.
			reader.validate();
			assertThat(reader.getConnectionTimeout()).isEqualTo(500);
			assertThat(reader.getValidationTimeout()).isEqualTo(1000);
		});
	}

	@Test
	void validationTimeoutBelowHikarisMinimumFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.reader-pool.validation-timeout=100ms").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'rw-routing.reader-pool.validation-timeout'");
			assertThat(analysis.getAction()).contains("250ms");
		});
	}

	@Test
	void mariaDbConnectorJReaderConnectionsAreOpenedThroughTheReaderSocketFactoryUnlessOneIsSet() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:mariadb://writer.example.com:3306/app",
					"spring.datasource.username=app", "spring.datasource.password=s3cret",
					"rw-routing.readers.a.url=jdbc:mariadb://a.example.com:3306/app",
					"rw-routing.readers.b.url=jdbc:mysql://b.example.com:3306/app",
					"rw-routing.readers.c.url=jdbc:mariadb://c.example.com:3306/app",
					"rw-routing.readers.c.hikari.data-source-properties.socketFactory=com.example.Sockets",
					"rw-routing.readers.d.url=jdbc:mariadb://d.example.com:3306/app?socketFactory=com.example.Sockets",
					"rw-routing.dialect=mariadb")
			.run((context) -> {
				assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getDataSourceProperties())
					.containsEntry("socketFactory", ReaderSocketFactory.class.getName());
				assertThat(context.getBean("reader-bDataSource", HikariDataSource.class).getDataSourceProperties())
					.doesNotContainKey("socketFactory");
				assertThat(context.getBean("reader-cDataSource", HikariDataSource.class).getDataSourceProperties())
					.containsEntry("socketFactory", "com.example.Sockets");
				assertThat(context.getBean("reader-dDataSource", HikariDataSource.class).getDataSourceProperties())
					.doesNotContainKey("socketFactory");
				assertThat(context.getBean("writerDataSource", HikariDataSource.class).getDataSourceProperties())
					.doesNotContainKey("socketFactory");
			});
	}

	@Test
	void theReaderSocketFactoryIsLeftOutWhenTheDriversClassLoaderDoesNotSeeIt(CapturedOutput output) throws Exception {
		URL connectorJ = org.mariadb.jdbc.Driver.class.getProtectionDomain().getCodeSource().getLocation();
		URL rwRouting = ReaderSocketFactory.class.getProtectionDomain().getCodeSource().getLocation();
		// Connector/J in a parent class loader (a servlet container's lib), and in a loader with its
		// own copy of rw-routing, whose ReaderSocketFactory would record no socket for this one.
		try (URLClassLoader parent = new URLClassLoader(new URL[] { connectorJ }, ClassLoader.getPlatformClassLoader());
				URLClassLoader ownCopy = new URLClassLoader(new URL[] { connectorJ, rwRouting },
						ClassLoader.getPlatformClassLoader())) {
			for (URLClassLoader loader : List.of(parent, ownCopy)) {
				HikariDataSource pool = mariaDbReaderPool();
				RoutingPools.applySocketFactory(pool, loader.loadClass("org.mariadb.jdbc.Driver"));
				assertThat(pool.getDataSourceProperties()).doesNotContainKey("socketFactory");
			}
			// What Connector/J itself would do with the name: fail every connection.
			Class<?> connectionHelper = parent.loadClass("org.mariadb.jdbc.client.impl.ConnectionHelper");
			assertThatExceptionOfType(ClassNotFoundException.class).isThrownBy(() -> Class
				.forName(ReaderSocketFactory.class.getName(), false, connectionHelper.getClassLoader()));
		}
		assertThat(output).contains("rw-routing reader pool 'reader-a' opens its connections without "
				+ ReaderSocketFactory.class.getName());
		HikariDataSource pool = mariaDbReaderPool();
		RoutingPools.applySocketFactory(pool, org.mariadb.jdbc.Driver.class);
		assertThat(pool.getDataSourceProperties()).containsEntry("socketFactory", ReaderSocketFactory.class.getName());
	}

	private static HikariDataSource mariaDbReaderPool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("reader-a");
		pool.setJdbcUrl("jdbc:mariadb://a.example.com:3306/app");
		return pool;
	}

	@Test
	void readerPoolBoundsAreConfigurableAndAReadersOwnHikariSettingWins() {
		this.runner
			.withPropertyValues(READER_A, "rw-routing.readers.b.url=jdbc:postgresql://b.example.com:5432/app",
					"rw-routing.reader-pool.borrow-timeout=3s", "rw-routing.reader-pool.connect-timeout=1500ms",
					"rw-routing.readers.b.hikari.connection-timeout=5000",
					"rw-routing.readers.b.hikari.data-source-properties.connectTimeout=7")
			.run((context) -> {
				HikariDataSource a = context.getBean("reader-aDataSource", HikariDataSource.class);
				HikariDataSource b = context.getBean("reader-bDataSource", HikariDataSource.class);
				assertThat(a.getConnectionTimeout()).isEqualTo(3000);
				assertThat(a.getDataSourceProperties()).containsEntry("connectTimeout", "2");
				assertThat(b.getConnectionTimeout()).isEqualTo(5000);
				assertThat(b.getDataSourceProperties()).containsEntry("connectTimeout", "7")
					.containsEntry("loginTimeout", "2");
			});
	}

	@Test
	void mariaDbAndMysqlReaderPoolsGetTheConnectTimeoutInMilliseconds() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:mariadb://writer.example.com:3306/app",
					"spring.datasource.username=app", "spring.datasource.password=s3cret",
					"rw-routing.readers.a.url=jdbc:mariadb://a.example.com:3306/app",
					"rw-routing.readers.b.url=jdbc:mysql://b.example.com:3306/app", "rw-routing.dialect=mariadb",
					"rw-routing.reader-pool.connect-timeout=1500ms")
			.run((context) -> {
				assertThat(context.getBean("reader-aDataSource", HikariDataSource.class).getDataSourceProperties())
					.containsEntry("connectTimeout", "1500")
					.doesNotContainKey("loginTimeout");
				assertThat(context.getBean("reader-bDataSource", HikariDataSource.class).getDataSourceProperties())
					.containsEntry("connectTimeout", "1500");
				assertThat(context.getBean("writerDataSource", HikariDataSource.class).getDataSourceProperties())
					.doesNotContainKey("connectTimeout");
			});
	}

	@Test
	void negativeMaxLagFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.max-lag=-1s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'rw-routing.max-lag'").contains("negative");
			assertThat(analysis.getAction()).contains("Set rw-routing.max-lag");
		});
	}

	@Test
	void negativeReaderMaxLagFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.readers.a.max-lag=-500ms").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'rw-routing.readers.a.max-lag'");
		});
	}

	@Test
	void zeroMonitorTimeoutFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.monitor.timeout=0").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'rw-routing.monitor.timeout'");
			assertThat(analysis.getAction()).contains("positive");
		});
	}

	@Test
	void borrowTimeoutBelowHikarisMinimumFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.reader-pool.borrow-timeout=100ms").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'rw-routing.reader-pool.borrow-timeout'");
			assertThat(analysis.getAction()).contains("250ms");
		});
	}

	@Test
	void negativeConnectTimeoutFailsWithTheProperty() {
		this.runner.withPropertyValues(READER_A, "rw-routing.reader-pool.connect-timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'rw-routing.reader-pool.connect-timeout'");
		});
	}

	@Test
	void maxFailureBackoffShorterThanTheFirstFailsWithTheProperty() {
		this.runner
			.withPropertyValues(READER_A, "rw-routing.reader-pool.failure-backoff=10s",
					"rw-routing.reader-pool.max-failure-backoff=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription())
					.contains("'rw-routing.reader-pool.max-failure-backoff'");
			});
	}

	@Test
	void readerUrlWithoutJdbcPrefixFailsWithTheProperty() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=postgres://a.example.com:5432/app")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'rw-routing.readers.a.url'");
				assertThat(analysis.getAction()).contains("jdbc:postgresql://");
			});
	}

	@Test
	void readerUrlNoDriverAcceptsFailsWithThePropertyNotARawBeanCreationException() {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:nosuchdb://a.example.com/app",
				"rw-routing.readers.a.password=hunter2")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'rw-routing.readers.a.url'").doesNotContain("hunter2");
			});
	}

	@Test
	void shortSigningKeyNamesOneMinimum() {
		this.runner
			.withPropertyValues(READER_A, "rw-routing.consistency.signing-key=too-short")
			.run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("fewer than 16 characters");
			assertThat(analysis.getAction()).contains("at least 16 characters").doesNotContain("at least 32");
		});
	}

	@Test
	void twoReadersOnOneUrlWarnOnce(CapturedOutput output) {
		this.runner.withPropertyValues(READER_A, "rw-routing.readers.b.url=jdbc:postgresql://A.example.com:5432/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getOut() + output.getErr()).containsOnlyOnce("readers 'a' and 'b' have the same URL");
			});
	}

	@Test
	void aReaderOnTheWritersUrlWarns(CapturedOutput output) {
		this.runner.withPropertyValues("rw-routing.readers.a.url=jdbc:postgresql://writer.example.com:5432/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getOut() + output.getErr()).containsOnlyOnce("reader 'a' has the writer's URL");
			});
	}

	@Test
	void dbHealthLeavesTheReaderPoolsOut() {
		this.runner
			.withConfiguration(AutoConfigurations.of(RwRoutingHealthAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(READER_A, "rw-routing.readers.b.url=jdbc:postgresql://b.example.com:5432/app")
			.run((context) -> {
				assertThat(dbHealthComponents(context)).containsExactlyInAnyOrder("dataSource", "writerDataSource");
			});
	}

	@Test
	void dbHealthLeavesOutTheReaderPoolsOfReaderConnectionDetailsBeansToo() {
		this.runner
			.withConfiguration(AutoConfigurations.of(RwRoutingHealthAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class))
			.withUserConfiguration(ReaderConnectionDetailsTests.OneReader.class)
			.withPropertyValues(READER_A)
			.run((context) -> {
				assertThat(context).hasBean("reader-replica-1DataSource").hasBean("reader-aDataSource");
				assertThat(dbHealthComponents(context)).containsExactlyInAnyOrder("dataSource", "writerDataSource");
			});
	}

	private static Set<String> dbHealthComponents(AssertableApplicationContext context) {
		HealthContributor db = context.getBean("dbHealthContributor", HealthContributor.class);
		assertThat(db).isInstanceOf(CompositeHealthContributor.class);
		return StreamSupport.stream(((CompositeHealthContributor) db).spliterator(), false)
			.map(HealthContributors.Entry::name)
			.collect(Collectors.toSet());
	}

	static FailureAnalysis analyze(Throwable failure) {
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
