package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.jdbc.PluginService;
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
import static org.awaitility.Awaitility.await;

/**
 * Pools on {@code jdbc:aws-wrapper:mariadb:} and {@code jdbc:aws-wrapper:mysql:} URLs against a real
 * MariaDB primary and GTID replica (not Aurora, not RDS: the wrapper's failover has no cluster
 * topology to use here): the two-pool settings and the wrapper dialect reach the wrapper's
 * connections, routing and the monitor work through it. Without {@code wrapperDialect=mariadb} the
 * wrapper takes MariaDB behind MySQL Connector/J for MySQL ({@code MysqlDialect}).
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbAwsJdbcWrapperIntegrationTests {

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table wrapped (id int auto_increment primary key, text varchar(200) not null)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private static String wrapperUrl(String driver, MariaDbNode node) {
		return "jdbc:aws-wrapper:" + driver + "://" + MariaDbNode.HOST + ":" + node.port() + "/" + cluster.database()
				+ (driver.equals("mysql") ? "?sslMode=DISABLED" : "");
	}

	private ApplicationContextRunner runner(String driver, String... extra) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + wrapperUrl(driver, cluster.primary()),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"rw-routing.readers.replica1.url=" + wrapperUrl(driver, cluster.replica(1)),
					"rw-routing.dialect=mariadb", "rw-routing.monitor.interval=200ms")
			.withPropertyValues(extra);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void poolsGetTheTwoPoolSettingsAndTheWrapperDialect(String driver) {
		runner(driver).run((context) -> {
			HikariDataSource writer = context.getBean("writerDataSource", HikariDataSource.class);
			HikariDataSource reader = context.getBean("reader-replica1DataSource", HikariDataSource.class);
			try (Connection writerConnection = writer.getConnection();
					Connection readerConnection = reader.getConnection()) {
				PluginService writerService = pluginService(writerConnection);
				PluginService readerService = pluginService(readerConnection);
				System.out.printf("aws-wrapper %s: wrapper dialect %s%n", driver,
						writerService.getDialect().getClass().getSimpleName());
				assertThat(writerService.getProperties().getProperty("failoverMode")).isEqualTo("strict-writer");
				assertThat(readerService.getProperties().getProperty("failoverMode")).isEqualTo("strict-reader");
				assertThat(writerService.getProperties().getProperty("wrapperDialect")).isEqualTo("mariadb");
				assertThat(writerService.getDialect().getClass().getSimpleName()).isEqualTo("MariaDbDialect");
				assertThat(readerService.getDialect().getClass().getSimpleName()).isEqualTo("MariaDbDialect");
				assertThat(writerService.getProperties().getProperty("clusterId"))
					.isEqualTo(readerService.getProperties().getProperty("clusterId"));
			}
			assertThat(writer.getExceptionOverrideClassName()).isEqualTo("software.amazon.jdbc.util.HikariCPSQLException");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "mariadb", "mysql" })
	void routingAndTheMonitorWorkThroughTheWrapper(String driver) {
		runner(driver).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			Integer readPort = readOnly.execute((status) -> jdbc.sql("select @@port").query(Integer.class).single());
			assertThat(readPort).isEqualTo(cluster.replica(1).port());
			assertThat(jdbc.sql("insert into wrapped (text) values ('through the wrapper')").update()).isOne();
			assertThat(jdbc.sql("select @@port").query(Integer.class).single()).isEqualTo(cluster.primary().port());
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.writerIdentity() != null && monitor.status("replica1").up());
			assertThat(monitor.writerIdentity().timeline()).isEqualTo(cluster.primary().serverId());
		});
	}

	private static PluginService pluginService(Connection connection) throws SQLException {
		return connection.unwrap(ConnectionWrapper.class).getServicesContainer().getPluginService();
	}

}
