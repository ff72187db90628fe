package io.github.rwrouting.autoconfigure.proxies;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.p6spy.engine.common.StatementInformation;
import com.p6spy.engine.event.SimpleJdbcEventListener;
import com.p6spy.engine.spy.P6DataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.observation.DefaultRouteObservationConvention;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observability proxies wrap every {@code DataSource} bean in a {@code BeanPostProcessor}: the
 * routing {@code dataSource}, the writer pool and each reader pool. With each of them, the real
 * library on the class path, a real application starts against a real primary and streaming
 * replica, and routing stays what it is without them: read-only transactions on the replica,
 * read-write ones on the primary, plain reads outside a transaction ({@code auto}) on the replica,
 * and an early {@code getMetaData()} (what these proxies do right after {@code getConnection()})
 * does not bind the connection before the transaction is marked read-only. Where each statement
 * ran is asked of the server.
 * <p>
 * datasource-micrometer-spring-boot is switched off for the rest of the build (a system property in
 * the surefire configuration); it is switched on here with a command-line argument, which wins.
 */
@ReplicatedPostgres(replicas = 1)
class ObservabilityProxiesIntegrationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void cluster(PostgresCluster postgres) {
		cluster = postgres;
	}

	@Test
	void datasourceMicrometerObservesOnceAndRoutingStaysCorrect() throws SQLException {
		// With Hibernate and Spring Data JPA too: Hibernate reads the metadata of a routed connection at startup.
		try (ConfigurableApplicationContext context = run(ObservedApplication.class, true,
				"--jdbc.datasource-proxy.enabled=true")) {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertWrapped(context);
			assertRoutes(context);
			// Routes use the pools, not their wrappers: each statement is observed once, at the
			// application's dataSource, never again at a pool.
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo("jdbc.query", ROUTED_STATEMENTS);
			TestObservationRegistryAssert.assertThat(registry)
				.hasObservationWithNameEqualTo(DefaultRouteObservationConvention.NAME)
				.that()
				.hasLowCardinalityKeyValue(DefaultRouteObservationConvention.TARGET, "replica1")
				.hasLowCardinalityKeyValue(DefaultRouteObservationConvention.REASON, "read-only");
		}
	}

	@Test
	void datasourceProxyStatementsPassTheProxyOnceAndRoutingStaysCorrect() throws SQLException {
		try (ConfigurableApplicationContext context = run(DataSourceProxyApplication.class, false)) {
			assertWrapped(context);
			CountingPostProcessor proxies = context.getBean(CountingPostProcessor.class);
			assertRoutes(context);
			assertThat(proxies.statements.get()).isEqualTo(ROUTED_STATEMENTS);
		}
	}

	@Test
	void p6spyStatementsPassTheProxyOnceAndRoutingStaysCorrect() throws SQLException {
		try (ConfigurableApplicationContext context = run(P6SpyApplication.class, false)) {
			assertWrapped(context);
			CountingPostProcessor proxies = context.getBean(CountingPostProcessor.class);
			assertRoutes(context);
			assertThat(proxies.statements.get()).isEqualTo(ROUTED_STATEMENTS);
		}
	}

	/**
	 * The statements {@link #assertRoutes} runs through the application's {@code dataSource}.
	 */
	private static final int ROUTED_STATEMENTS = 5;

	private static void assertRoutes(ConfigurableApplicationContext context) throws SQLException {
		DataSource dataSource = context.getBean(DataSource.class);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(true);
		String readOnly = transaction.execute((status) -> node(jdbc));
		assertThat(readOnly).as("read-only transaction").isEqualTo("replica");
		assertThat(node(jdbc)).as("plain read outside a transaction (auto)").isEqualTo("replica");
		// What the proxies do right after getConnection(), before the read-only flag is set.
		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.getMetaData().getURL()).startsWith("jdbc:postgresql:");
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(node(connection)).as("read-only after an early getMetaData()").isEqualTo("replica");
			connection.commit();
		}
		transaction.setReadOnly(false);
		String readWrite = transaction.execute((status) -> node(jdbc));
		assertThat(readWrite).as("read-write transaction").isEqualTo("primary");
		jdbc.execute("select 1");
	}

	private static void assertWrapped(ConfigurableApplicationContext context) throws SQLException {
		DataSource dataSource = context.getBean("dataSource", DataSource.class);
		assertThat(dataSource).as("the application's dataSource is wrapped").isNotInstanceOf(RoutingDataSource.class);
		assertThat(dataSource.isWrapperFor(RoutingDataSource.class)).isTrue();
		DataSource writer = context.getBean("writerDataSource", DataSource.class);
		assertThat(writer).as("the writer pool bean is wrapped").isNotInstanceOf(HikariDataSource.class);
		assertThat(writer.unwrap(HikariDataSource.class).getPoolName()).isEqualTo("writer");
		DataSource reader = context.getBean("reader-replica1DataSource", DataSource.class);
		assertThat(reader).as("the reader pool bean is wrapped").isNotInstanceOf(HikariDataSource.class);
	}

	private static String node(JdbcTemplate jdbc) {
		return jdbc.queryForObject("select case when pg_is_in_recovery() then 'replica' else 'primary' end",
				String.class);
	}

	private static String node(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select case when pg_is_in_recovery() then 'replica' else 'primary' end")) {
			result.next();
			return result.getString(1);
		}
	}

	private static ConfigurableApplicationContext run(Class<?> application, boolean jpa, String... extra) {
		List<String> args = new ArrayList<>();
		for (String property : ClusterProperties.of(cluster, "rw-routing.non-transactional=auto",
				"rw-routing.consistency.signing-key=observability-proxies-test-key",
				"rw-routing.monitor.interval=200ms")) {
			args.add("--" + property);
		}
		args.addAll(List.of("--spring.main.web-application-type=none", "--spring.main.banner-mode=off",
				"--spring.liquibase.enabled=false", "--spring.flyway.enabled=false"));
		if (!jpa) {
			args.add("--spring.autoconfigure.exclude=" + HibernateJpaAutoConfiguration.class.getName() + ","
					+ DataJpaRepositoriesAutoConfiguration.class.getName());
		}
		args.addAll(List.of(extra));
		return new SpringApplication(application).run(args.toArray(new String[0]));
	}

	/**
	 * Wraps every DataSource bean, and counts the statements that pass its wrappers.
	 */
	abstract static class CountingPostProcessor implements BeanPostProcessor {

		final AtomicInteger statements = new AtomicInteger();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			return (bean instanceof DataSource dataSource) ? wrap(dataSource, beanName) : bean;
		}

		abstract DataSource wrap(DataSource dataSource, String beanName);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ObservedApplication {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	/**
	 * datasource-proxy as its documentation shows it for Spring: every DataSource bean wrapped.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class DataSourceProxyApplication {

		@Bean
		static CountingPostProcessor dataSourceProxyPostProcessor() {
			return new CountingPostProcessor() {

				@Override
				DataSource wrap(DataSource dataSource, String beanName) {
					return ProxyDataSourceBuilder.create(beanName, dataSource)
						.afterQuery((execution, queries) -> this.statements.incrementAndGet())
						.build();
				}

			};
		}

	}

	/**
	 * p6spy wrapping every DataSource bean (its Spring Boot integration is not built for Spring Boot
	 * 4), with a listener that counts what passes through it.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class P6SpyApplication {

		@Bean
		static CountingPostProcessor p6spyPostProcessor() {
			return new CountingPostProcessor() {

				@Override
				DataSource wrap(DataSource dataSource, String beanName) {
					P6DataSource spy = new P6DataSource(dataSource);
					spy.setJdbcEventListenerFactory(() -> new SimpleJdbcEventListener() {

						@Override
						public void onAfterAnyExecute(StatementInformation statement, long nanos, SQLException ex) {
							statements.incrementAndGet();
						}

					});
					return spy;
				}

			};
		}

	}

}
