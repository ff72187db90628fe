package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.mariadb.jpa.MariaDbNoteRepository;
import io.github.rwrouting.autoconfigure.mariadb.jpa.MariaDbNotesApplication;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * A web application with Spring Data JPA (Hibernate's MariaDB dialect, {@code JpaTransactionManager}),
 * Flyway, open-session-in-view (Spring Boot's default) and Actuator, against a real MariaDB primary
 * and GTID replica with MariaDB Connector/J (with MySQL Connector/J in
 * {@link MySqlConnectorJJpaWebRoutingIntegrationTests}); and Flyway through the writer with each driver.
 */
@ReplicatedMariaDb(replicas = 1)
@TestInstance(Lifecycle.PER_CLASS)
class MariaDbJpaWebRoutingIntegrationTests {

	private static final ParameterizedTypeReference<List<Integer>> PORTS = new ParameterizedTypeReference<>() {
	};

	private static final String HEADER = "X-RW-Consistency";

	static MariaDbCluster cluster;

	static ConfigurableApplicationContext context;

	private static RestClient http;

	// An instance method (one test instance per class), so that a subclass starts the application
	// with another driver by overriding it.
	@BeforeAll
	void startApplication(MariaDbCluster mariadb) {
		start(mariadb, MariaDbDriver.MARIADB_MULTI_QUERIES);
	}

	/**
	 * Start the notes application on the cluster with a driver.
	 * @param mariadb the cluster
	 * @param driver the driver and its properties
	 * @param extra more properties, which win
	 */
	static void start(MariaDbCluster mariadb, MariaDbDriver driver, String... extra) {
		cluster = mariadb;
		String[] properties = driver.properties(cluster, "server.port=0", "spring.jpa.open-in-view=true",
				"spring.jpa.hibernate.ddl-auto=none", "spring.flyway.locations=classpath:db/rw-routing-it-mariadb",
				"spring.liquibase.enabled=false", "rw-routing.web.route-header=true",
				"rw-routing.monitor.interval=200ms",
				// a paused replica keeps serving reads without a token
				"rw-routing.max-lag=1h",
				// a read right after a write in the same request waits (bounded) for the replica
				"rw-routing.consistency.max-wait=5s",
				"rw-routing.consistency.signing-key=mariadb-jpa-signing-key-0123456789",
				"management.endpoints.web.exposure.include=health,metrics,prometheus",
				"management.endpoint.health.show-details=always");
		context = new SpringApplicationBuilder(MariaDbNotesApplication.class).properties(properties)
			// later properties replace earlier ones of the same name
			.properties(extra)
			.run();
		http = RestClient.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stopApplication() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void openSessionInViewDoesNotPinTheReadAfterAWriteToThePrimary() {
		ResponseEntity<List<Integer>> response = http.post()
			.uri("/notes/write-then-read?text=osiv")
			.retrieve()
			.toEntity(PORTS);
		assertThat(response.getBody()).extracting(MariaDbJpaWebRoutingIntegrationTests::node)
			.containsExactly("primary", "replica1");
		assertThat(response.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
	}

	@Test
	void openSessionInViewDoesNotPinTheWriteAfterAReadToTheReplica() {
		ResponseEntity<List<Integer>> response = http.get()
			.uri("/notes/read-then-write?text=osiv2")
			.retrieve()
			.toEntity(PORTS);
		assertThat(response.getBody()).extracting(MariaDbJpaWebRoutingIntegrationTests::node)
			.containsExactly("replica1", "primary");
		assertThat(response.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
	}

	@Test
	void readOnlyRequestIsServedByTheReplica() {
		ResponseEntity<Integer> response = http.get().uri("/notes/read").retrieve().toEntity(Integer.class);
		assertThat(node(response.getBody())).isEqualTo("replica1");
		assertThat(response.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
	}

	@Test
	void jpaReadsTheirWriteAcrossRequestsWhileReplayIsPaused() {
		replica().pauseReplay();
		try {
			ResponseEntity<Integer> write = http.post().uri("/notes?text=jpa-token").retrieve().toEntity(Integer.class);
			String token = write.getHeaders().getFirst(HEADER);
			assertThat(token).startsWith("v2.");
			ResponseEntity<Long> read = http.get()
				.uri("/notes/count?text=jpa-token")
				.header(HEADER, token)
				.retrieve()
				.toEntity(Long.class);
			assertThat(read.getBody()).isEqualTo(1);
			assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
			ResponseEntity<Long> withoutToken = http.get()
				.uri("/notes/count?text=jpa-token")
				.retrieve()
				.toEntity(Long.class);
			assertThat(withoutToken.getBody()).as("the paused replica").isZero();
			assertThat(withoutToken.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
		}
		finally {
			replica().resumeReplay();
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void jpaWriteInsideReadOnlyTransactionFailsNamingTheReplica() {
		MariaDbNotesApplication.NoteService service = context.getBean(MariaDbNotesApplication.NoteService.class);
		assertThatException().isThrownBy(() -> service.createInReadOnly("forbidden"))
			.withStackTraceContaining("read-only transaction on replica 'reader-replica1'");
		assertThat(context.getBean(MariaDbNoteRepository.class).countByText("forbidden")).isZero();
	}

	@Test
	void flywayMigratedThePrimaryAndTheSchemaReachedTheReplica() throws SQLException {
		assertThat(MariaDbSql.queryInt(cluster.primary(), "select count(*) from flyway_schema_history where success"))
			.isEqualTo(1);
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(MariaDbSql.queryInt(replica(),
				"select count(*) from information_schema.tables where table_schema = 'app' and table_name = 'notes'"))
			.isOne();
	}

	@ParameterizedTest
	@EnumSource
	void flywayMigratesThroughTheWriterEvenWithNonTransactionalWorkOnReaders(MariaDbDriver driver) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
			.withPropertyValues(driver.properties(cluster, "rw-routing.non-transactional=reader",
					"spring.flyway.locations=classpath:db/rw-routing-it-mariadb-drivers",
					// the database already holds the application's tables: this history starts empty
					"spring.flyway.table=flyway_history_" + driver.name().toLowerCase(Locale.ROOT),
					"spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0",
					"spring.flyway.placeholders.driver=" + driver))
			.run((runner) -> {
				assertThat(runner).hasNotFailed();
				assertThat(runner.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(runner.getBean("writerDataSource"));
				assertThat(MariaDbSql.queryInt(cluster.primary(),
						"select count(*) from migrated_by where driver = '" + driver + "'"))
					.isOne();
			});
	}

	@Test
	void healthShowsTheWriterPoolUpAndReadersFromTheMonitor() {
		String health = http.get().uri("/actuator/health").retrieve().body(String.class);
		assertThat(health).contains("\"status\":\"UP\"")
			.contains("\"writerDataSource\"")
			.doesNotContain("\"reader-replica1DataSource\"")
			.contains("\"rwRouting\"")
			.contains("\"replica1\"")
			.doesNotContain(cluster.password());
	}

	@Test
	void rwRoutingHealthShowsTheWriterAndTheReaderWithTheirRoles() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String health = http.get().uri("/actuator/health/rwRouting").retrieve().body(String.class);
			assertThat(health).contains("\"status\":\"UP\"")
				.contains("\"writer\":{\"up\":true,\"role\":\"primary\",\"primary\":true")
				.contains("\"replica1\":{\"up\":true,\"role\":\"replica\"")
				.contains("\"excluded\":false");
		});
	}

	@Test
	void hikariMetricsExistForEveryPool() {
		http.get().uri("/notes/read").retrieve().toBodilessEntity();
		http.get().uri("/notes/read-then-write?text=metrics").retrieve().toBodilessEntity();
		for (String pool : List.of("writer", "reader-replica1")) {
			String metric = http.get()
				.uri("/actuator/metrics/hikaricp.connections.max?tag=pool:" + pool)
				.retrieve()
				.body(String.class);
			assertThat(metric).contains("\"VALUE\",\"value\":4.0");
		}
	}

	@Test
	void prometheusShowsRoutingDecisionsConsistencyOutcomesAndReplicaLag() {
		http.get().uri("/notes/read").retrieve().toBodilessEntity();
		http.post().uri("/notes/write-then-read?text=prometheus").retrieve().toBodilessEntity();
		String prometheus = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(prometheus)
			.containsPattern("rw_routing_routes_total\\{reason=\"read-only\",target=\"replica1\"\\} [1-9]")
			.containsPattern("rw_routing_routes_total\\{reason=\"read-write\",target=\"writer\"\\} [1-9]")
			.containsPattern("rw_routing_consistency_total\\{outcome=\"no-token\"\\} [1-9]")
			.containsPattern("rw_routing_consistency_total\\{outcome=\"replica-(checked|waited)\"\\} [1-9]")
			.contains("rw_routing_replica_lag_seconds{replica=\"replica1\"}")
			.contains("rw_routing_replica_lag_bytes{replica=\"replica1\"}")
			.contains("rw_routing_replica_up{replica=\"replica1\"} 1.0")
			.contains("rw_routing_replica_excluded{replica=\"replica1\"} 0.0")
			.contains("hikaricp_connections_max{pool=\"writer\"}")
			.contains("hikaricp_connections_max{pool=\"reader-replica1\"}");
	}

	private static MariaDbNode replica() {
		return cluster.replica(1);
	}

	private static String node(int port) {
		return MariaDbDriver.nodeName(cluster, port);
	}

}
