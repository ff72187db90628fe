package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.observation.DefaultRouteObservationConvention;
import io.github.rwrouting.observation.RouteObservationContext;
import io.github.rwrouting.observation.RouteObservationConvention;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * Routing decisions as observations, against a real primary and streaming replica: each routed
 * connection is one {@value DefaultRouteObservationConvention#NAME} observation, a child of the
 * current one, with where it went, why, and what the consistency token decided; a read without a
 * token is counted as {@code outcome=no-token}.
 */
@ReplicatedPostgres(replicas = 1)
class RouteObservationIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws Exception {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table observed_items (id serial primary key, name text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
				RwRoutingMetricsAutoConfiguration.class, RwRoutingObservationAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
		.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
		.withPropertyValues(ClusterProperties.of(cluster, "rw-routing.monitor.interval=200ms"));

	@Test
	void eachRouteIsAnObservationWithTargetReasonAndConsistencyOutcome() {
		this.runner.run((context) -> {
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
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			TransactionTemplate readWrite = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

			Observation request = Observation.start("test.request", registry);
			try (Observation.Scope scope = request.openScope()) {
				readOnly.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
			}
			request.stop();
			readWrite.executeWithoutResult(
					(status) -> jdbc.update("insert into observed_items (name) values (?)", "observed"));
			Integer seen = readOnly
				.execute((status) -> jdbc.queryForObject("select count(*) from observed_items", Integer.class));
			assertThat(seen).as("the read after the write sees it").isOne();

			assertThat(routes).hasSize(3);
			assertThat(keyValues(routes.get(0))).containsExactly("replica1", "read-only", "no-token");
			assertThat(routes.get(0).getParentObservation()).isNotNull();
			assertThat(routes.get(0).getParentObservation().getContextView().getName()).isEqualTo("test.request");
			assertThat(keyValues(routes.get(1))).containsExactly("writer", "read-write", "none");
			// The read carried the write's token: whichever way it went, the check says how.
			List<String> afterWrite = keyValues(routes.get(2));
			assertThat(afterWrite.get(2)).isIn("replica-caught-up", "replica-checked", "replica-waited",
					"writer-fallback", "writer-replica-behind");
			assertThat(afterWrite.get(0)).isEqualTo(afterWrite.get(2).startsWith("replica") ? "replica1" : "writer");
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo(DefaultRouteObservationConvention.NAME, 3);

			// A read-only route without a token is counted; the read that carried one is not.
			Counter noToken = meters.find(RoutingMetrics.CONSISTENCY)
				.tag("outcome", ConsistencyOutcome.NO_TOKEN.tagValue())
				.counter();
			assertThat(noToken).isNotNull();
			assertThat(noToken.count()).isEqualTo(1);
		});
	}

	@Test
	void aConventionBeanNamesTheObservations() {
		this.runner.withBean(RouteObservationConvention.class, () -> new RouteObservationConvention() {

			@Override
			public String getName() {
				return "orders.db.route";
			}

		}).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			readOnly.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
			TestObservationRegistryAssert.assertThat(registry)
				.hasObservationWithNameEqualTo("orders.db.route")
				.that()
				.hasBeenStarted()
				.hasBeenStopped();
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo(DefaultRouteObservationConvention.NAME, 0);
		});
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
