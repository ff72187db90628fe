package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway and Liquibase migrate through the writer, even when non-transactional work is routed to
 * readers (a migration sent to a hot standby would fail).
 */
@ReplicatedPostgres(replicas = 1)
class MigrationIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void cluster(PostgresCluster postgres) {
		cluster = postgres;
	}

	@Test
	void flywayMigratesThroughTheWriter() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.non-transactional=reader",
					"spring.flyway.locations=classpath:db/rw-routing-it", "spring.flyway.schemas=flyway_it"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableExistsOnPrimary("flyway_it.notes")).isTrue();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("writerDataSource"));
			});
	}

	@Test
	void liquibaseMigratesThroughTheWriter() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.non-transactional=reader",
					"spring.liquibase.change-log=classpath:db/changelog/rw-routing-it.yaml"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableExistsOnPrimary("public.liquibase_items")).isTrue();
				assertThat(context.getBean(SpringLiquibase.class).getDataSource())
					.isSameAs(context.getBean("writerDataSource"));
			});
	}

	private static boolean tableExistsOnPrimary(String table) throws SQLException {
		try (Connection connection = cluster.primary().connect();
				ResultSet rs = connection.createStatement()
					.executeQuery("select to_regclass('" + table + "') is not null")) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

}
