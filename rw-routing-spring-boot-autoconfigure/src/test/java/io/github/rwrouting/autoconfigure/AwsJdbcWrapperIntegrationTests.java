package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.jdbc.wrapper.ConnectionWrapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pools on {@code jdbc:aws-wrapper:} URLs get AWS's recommended two-pool settings, and the settings
 * reach the wrapper: checked on connections the wrapper opened to a real primary and replica (plain
 * PostgreSQL, {@code wrapperDialect=pg}).
 */
@ReplicatedPostgres(replicas = 1)
class AwsJdbcWrapperIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void cluster(PostgresCluster postgres) {
		cluster = postgres;
	}

	private static String wrapperUrl(PostgresNode node, String extra) {
		return "jdbc:aws-wrapper:postgresql://" + PostgresNode.HOST + ":" + node.port() + "/" + cluster.database()
				+ "?wrapperDialect=pg" + extra;
	}

	private ApplicationContextRunner runner(String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + wrapperUrl(cluster.primary(), ""),
					"spring.datasource.username=" + cluster.username(),
					"rw-routing.readers.replica1.url=" + wrapperUrl(cluster.replica(1), ""))
			.withPropertyValues(extra);
	}

	@Test
	void poolsGetTheTwoPoolSettingsAndTheyReachTheWrapper() {
		runner().run((context) -> {
			HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
			HikariDataSource reader = context.getBean("reader-replica1DataSource", HikariDataSource.class);
			Properties writerProperties = wrapperProperties(writer);
			Properties readerProperties = wrapperProperties(reader);
			assertThat(writerProperties.getProperty("failoverMode")).isEqualTo("strict-writer");
			assertThat(readerProperties.getProperty("failoverMode")).isEqualTo("strict-reader");
			assertThat(writerProperties.getProperty("wrapperPlugins"))
				.isEqualTo("initialConnection,auroraConnectionTracker,failover2,efm2");
			assertThat(readerProperties.getProperty("wrapperPlugins")).isEqualTo(writerProperties.getProperty("wrapperPlugins"));
			assertThat(writerProperties.getProperty("clusterId")).isEqualTo("rw-routing:127.0.0.1")
				.isEqualTo(readerProperties.getProperty("clusterId"));
			assertThat(writer.getExceptionOverrideClassName()).isEqualTo("software.amazon.jdbc.util.HikariCPSQLException");
			assertThat(reader.getExceptionOverrideClassName()).isEqualTo("software.amazon.jdbc.util.HikariCPSQLException");
		});
	}

	@Test
	void routingWorksThroughTheWrapper() {
		runner().run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			Integer readPort = readOnly.execute((status) -> jdbc.sql("select inet_server_port()").query(Integer.class).single());
			assertThat(readPort).isEqualTo(cluster.replica(1).port());
			assertThat(jdbc.sql("select inet_server_port()").query(Integer.class).single())
				.isEqualTo(cluster.primary().port());
		});
	}

	@Test
	void settingsTheUserMadeAreKept() {
		runner("rw-routing.readers.replica1.url=" + wrapperUrl(cluster.replica(1), "&wrapperPlugins=efm2"),
				"rw-routing.readers.replica1.hikari.data-source-properties.failoverMode=reader-or-writer",
				"spring.datasource.hikari.data-source-properties.clusterId=my-cluster")
			.run((context) -> {
				Properties reader = wrapperProperties(context.getBean("reader-replica1DataSource", HikariDataSource.class));
				assertThat(reader.getProperty("failoverMode")).isEqualTo("reader-or-writer");
				assertThat(reader.getProperty("wrapperPlugins")).isEqualTo("efm2");
				assertThat(reader.getProperty("clusterId")).isEqualTo("my-cluster");
			});
	}

	private static Properties wrapperProperties(HikariDataSource pool) throws Exception {
		try (Connection connection = pool.getConnection()) {
			return connection.unwrap(ConnectionWrapper.class).getServicesContainer().getPluginService().getProperties();
		}
	}

}
