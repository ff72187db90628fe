package io.github.rwrouting.autoconfigure.jpa;

import java.time.Duration;
import java.util.List;

import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rw-routing.non-transactional=auto} with Spring Data JPA repository query methods called
 * without {@code @Transactional}, and with open-session-in-view holding one connection across a
 * request's queries and transactions, against a real primary and replica.
 */
@ReplicatedPostgres(replicas = 1)
class JpaNonTransactionalAutoIntegrationTests {

	private static final ParameterizedTypeReference<List<Integer>> PORTS = new ParameterizedTypeReference<>() {
	};

	private static PostgresCluster cluster;

	private static ConfigurableApplicationContext context;

	private static SimpleMeterRegistry registry;

	@BeforeAll
	static void startApplication(PostgresCluster postgres) {
		cluster = postgres;
		// consistency none: a read right after the request's write may then go to the replica, which
		// is what shows that the held connection was bound again
		context = new SpringApplicationBuilder(NotesApplication.class)
			.properties(ClusterProperties.of(cluster, "server.port=0", "spring.jpa.open-in-view=true",
					"spring.jpa.hibernate.ddl-auto=none", "spring.flyway.locations=classpath:db/rw-routing-it",
					"spring.liquibase.enabled=false", "rw-routing.non-transactional=auto",
					"rw-routing.consistency.mode=none"))
			.run();
		registry = new SimpleMeterRegistry();
		context.getBean(RoutingMetrics.class).bindTo(registry);
	}

	@AfterAll
	static void stopApplication() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void repositoryQueryMethodsWithoutATransactionRunOnTheReplica() throws Exception {
		NoteRepository notes = context.getBean(NoteRepository.class);
		PostgresNode replica = cluster.replica(1);
		double before = nonTransactionalOnReplica();
		replica.pauseReplay();
		try {
			// Written around rw-routing, so no token sends the reads to the primary: only the replica lacks it.
			Sql.execute(cluster.primary(), "insert into notes (text) values ('auto-derived')");
			assertThat(Sql.queryInt(cluster.primary(), "select count(*) from notes where text = 'auto-derived'"))
				.isOne();
			assertThat(notes.findByTextStartingWith("auto-der")).isEmpty();
			assertThat(notes.findWithQueryStartingWith("auto-der")).isEmpty();
			assertThat(nonTransactionalOnReplica() - before).isEqualTo(2);
		}
		finally {
			replica.resumeReplay();
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(notes.findByTextStartingWith("auto-der")).extracting(Note::getText).containsExactly("auto-derived");
		assertThat(notes.findWithQueryStartingWith("auto-der")).extracting(Note::getText)
			.containsExactly("auto-derived");
	}

	@Test
	void openSessionInViewQueriesAroundAWriteTransactionRunOnTheReplicaAndTheWriteOnThePrimary() {
		RestClient http = RestClient
			.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
		List<Integer> ports = http.post().uri("/notes/query-write-query?text=osiv-auto").retrieve().body(PORTS);
		assertThat(ports).extracting(JpaNonTransactionalAutoIntegrationTests::node)
			.containsExactly("replica1", "primary", "replica1");
	}

	private static double nonTransactionalOnReplica() {
		// Counters are registered on first use: none yet means none counted.
		Counter counter = registry.find(RoutingMetrics.ROUTES)
			.tags("target", "replica1", "reason", "non-transactional")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String node(int port) {
		return ClusterProperties.nodeName(cluster, port);
	}

}
