package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingObservationAutoConfiguration;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.observation.DefaultRouteObservationConvention;
import io.github.rwrouting.observation.RouteObservationContext;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing decisions as observations and counters against a real MariaDB primary and GTID replica,
 * with each driver: where each routed connection went, why, and what the consistency token decided,
 * with replay paused so that the read after the write cannot be served by the replica.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbRouteObservationIntegrationTests {

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		MariaDbSql.execute(cluster.primary(),
				"create table observed_items (id int auto_increment primary key, name varchar(100) not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@ParameterizedTest
	@EnumSource
	void eachRouteIsAnObservationWithTargetReasonAndConsistencyOutcome(MariaDbDriver driver) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingObservationAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withPropertyValues(driver.properties(cluster, "rw-routing.monitor.interval=200ms", "rw-routing.max-lag=1h"))
			.run((context) -> {
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				List<RouteObservationContext> routes = new CopyOnWriteArrayList<>();
				registry.observationConfig().observationHandler(new ObservationHandler<RouteObservationContext>() {

					@Override
					public void onStop(RouteObservationContext route) {
						routes.add(route);
					}

					@Override
					public boolean supportsContext(Observation.Context observed) {
						return observed instanceof RouteObservationContext;
					}

				});
				SimpleMeterRegistry meters = new SimpleMeterRegistry();
				context.getBean(RoutingMetrics.class).bindTo(meters);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TransactionTemplate readOnly = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				readOnly.setReadOnly(true);
				TransactionTemplate readWrite = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
				consistency.set(null);
				cluster.replica(1).pauseReplay();
				try {
					Observation request = Observation.start("test.request", registry);
					try (Observation.Scope scope = request.openScope()) {
						readOnly.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
					}
					request.stop();
					readWrite.executeWithoutResult(
							(status) -> jdbc.update("insert into observed_items (name) values (?)", driver.name()));
					Integer seen = readOnly.execute((status) -> jdbc.queryForObject(
							"select count(*) from observed_items where name = ?", Integer.class, driver.name()));
					assertThat(seen).as("the read after the write sees it").isOne();
				}
				finally {
					consistency.set(null);
					cluster.replica(1).resumeReplay();
				}
				assertThat(routes).hasSize(3);
				assertThat(keyValues(routes.get(0))).containsExactly("replica1", "read-only", "no-token");
				assertThat(routes.get(0).getParentObservation().getContextView().getName()).isEqualTo("test.request");
				assertThat(keyValues(routes.get(1))).containsExactly("writer", "read-write", "none");
				assertThat(keyValues(routes.get(2)).subList(0, 2)).containsExactly("writer", "consistency");
				assertThat(keyValues(routes.get(2)).get(2)).isIn("writer-fallback", "writer-replica-behind");
				Counter noToken = meters.find(RoutingMetrics.CONSISTENCY)
					.tag("outcome", ConsistencyOutcome.NO_TOKEN.tagValue())
					.counter();
				assertThat(noToken).isNotNull();
				assertThat(noToken.count()).isEqualTo(1);
				assertThat(meters.get(RoutingMetrics.ROUTES).tags("target", "writer", "reason", "consistency").counter()
					.count()).isEqualTo(1);
			});
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private static List<String> keyValues(RouteObservationContext route) {
		return List.of(value(route, DefaultRouteObservationConvention.TARGET),
				value(route, DefaultRouteObservationConvention.REASON),
				value(route, DefaultRouteObservationConvention.CONSISTENCY));
	}

	private static String value(RouteObservationContext route, String key) {
		KeyValue keyValue = route.getLowCardinalityKeyValue(key);
		assertThat(keyValue).as(key).isNotNull();
		return keyValue.getValue();
	}

}
