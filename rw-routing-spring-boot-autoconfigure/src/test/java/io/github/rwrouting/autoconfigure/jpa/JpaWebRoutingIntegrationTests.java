package io.github.rwrouting.autoconfigure.jpa;

import java.time.Duration;
import java.util.List;

import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A web application with Spring Data JPA ({@code JpaTransactionManager}, Hibernate), Flyway,
 * open-session-in-view (Spring Boot's default) and Actuator, against a real primary and replica.
 */
@ReplicatedPostgres(replicas = 1)
class JpaWebRoutingIntegrationTests {

	private static final ParameterizedTypeReference<List<Integer>> PORTS = new ParameterizedTypeReference<>() {
	};

	private static PostgresCluster cluster;

	private static ConfigurableApplicationContext context;

	private static RestClient http;

	@BeforeAll
	static void startApplication(PostgresCluster postgres) {
		cluster = postgres;
		context = new SpringApplicationBuilder(NotesApplication.class)
			.properties(ClusterProperties.of(cluster, "server.port=0", "spring.jpa.open-in-view=true",
					"spring.jpa.hibernate.ddl-auto=none", "spring.flyway.locations=classpath:db/rw-routing-it",
					"spring.liquibase.enabled=false", "rw-routing.web.route-header=true",
					"management.endpoints.web.exposure.include=health,metrics,prometheus",
					"management.endpoint.health.show-details=always"))
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
		assertThat(response.getBody()).extracting(JpaWebRoutingIntegrationTests::node)
			.containsExactly("primary", "replica1");
		assertThat(response.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
	}

	@Test
	void openSessionInViewDoesNotPinTheWriteAfterAReadToTheReplica() {
		ResponseEntity<List<Integer>> response = http.get()
			.uri("/notes/read-then-write?text=osiv2")
			.retrieve()
			.toEntity(PORTS);
		assertThat(response.getBody()).extracting(JpaWebRoutingIntegrationTests::node)
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
	void jpaWriteInsideReadOnlyTransactionFailsNamingTheReplica() {
		NoteService service = context.getBean(NoteService.class);
		assertThatException().isThrownBy(() -> service.createInReadOnly("forbidden"))
			.withStackTraceContaining("read-only transaction on replica 'reader-replica1'");
		assertThat(context.getBean(NoteRepository.class).countByText("forbidden")).isZero();
	}

	@Test
	void jpaFailoverErrorsAreTransient() {
		NoteRepository notes = context.getBean(NoteRepository.class);
		assertThatExceptionOfType(TransientDataAccessResourceException.class).isThrownBy(notes::terminateOwnSession);
	}

	@Test
	void flywayMigratedThePrimary() throws Exception {
		assertThat(Sql.queryInt(cluster.primary(), "select count(*) from flyway_schema_history where success"))
			.isEqualTo(1);
	}

	@Test
	void healthShowsTheWriterPoolUpAndReadersFromTheMonitor() {
		String health = http.get().uri("/actuator/health").retrieve().body(String.class);
		// Reader pools are left out of db (a dead replica must not make the application DOWN);
		// readers show in rwRouting, from what the monitor saw.
		assertThat(health).contains("\"status\":\"UP\"")
			.contains("\"writerDataSource\"")
			.doesNotContain("\"reader-replica1DataSource\"")
			.contains("\"rwRouting\"")
			.contains("\"replica1\"")
			.doesNotContain("password");
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
	void prometheusShowsRoutingDecisionsAndReplicaLag() {
		http.get().uri("/notes/read").retrieve().toBodilessEntity();
		String prometheus = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(prometheus).containsPattern("rw_routing_routes_total\\{reason=\"read-only\",target=\"replica1\"\\} [1-9]")
			.contains("rw_routing_replica_lag_seconds{replica=\"replica1\"}")
			.contains("rw_routing_replica_lag_bytes{replica=\"replica1\"}")
			.contains("rw_routing_replica_up{replica=\"replica1\"}")
			.contains("rw_routing_replica_excluded{replica=\"replica1\"}")
			.contains("hikaricp_connections_max{pool=\"writer\"}")
			.contains("hikaricp_connections_max{pool=\"reader-replica1\"}");
	}

	private static String node(int port) {
		return ClusterProperties.nodeName(cluster, port);
	}

}
