package io.github.rwrouting.autoconfigure.consistency;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-your-writes against a real primary and a replica whose replay is paused (real, unbounded
 * lag): within a thread, across HTTP requests (header and cookie), from one application to another
 * through RestClient, and across an {@code @Async} hop. Bad tokens are ignored safely.
 */
@ReplicatedPostgres(replicas = 1)
class ConsistencyIntegrationTests {

	private static final String HEADER = "X-RW-Consistency";

	private static PostgresCluster cluster;

	private static ConfigurableApplicationContext upstream;

	private static ConfigurableApplicationContext downstream;

	private static RestClient http;

	@BeforeAll
	static void start(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		Sql.execute(cluster.primary(), "create table todos (id serial primary key, text text not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		downstream = start();
		upstream = start("downstream.url=http://127.0.0.1:" + port(downstream));
		http = RestClient.create("http://127.0.0.1:" + port(upstream));
	}

	private static ConfigurableApplicationContext start(String... extra) {
		String[] properties = ClusterProperties.of(cluster, "server.port=0",
				"spring.flyway.enabled=false", "spring.liquibase.enabled=false",
				"spring.jpa.hibernate.ddl-auto=none", "rw-routing.web.route-header=true",
				"rw-routing.monitor.interval=200ms",
				// a paused replica keeps serving reads without a token: its lag must not exclude it
				"rw-routing.max-lag=1h", "rw-routing.consistency.signing-key=the-same-key-on-every-instance-0123");
		return new SpringApplicationBuilder(TodoApplication.class).properties(properties).properties(extra).run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		if (upstream != null) {
			upstream.close();
		}
		if (downstream != null) {
			downstream.close();
		}
	}

	@BeforeEach
	void pauseReplay() {
		replica().pauseReplay();
	}

	@AfterEach
	void resumeReplay() {
		replica().resumeReplay();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void aThreadReadsItsOwnWriteAndUsesTheReplicaOnceItCaughtUp() {
		ConsistencyContext context = upstream.getBean(ConsistencyContext.class);
		TodoApplication.TodoService todos = upstream.getBean(TodoApplication.TodoService.class);
		context.set(null);
		try {
			todos.create("thread");
			assertThat(context.current()).isNotNull();
			assertThat(todos.count("thread")).isEqualTo(1);
			assertThat(todos.readsFromReplica()).as("runs on the writer while the replica lags").isFalse();
			replica().resumeReplay();
			awaitCaughtUpAsTheMonitorSeesIt();
			assertThat(todos.readsFromReplica()).as("runs on the replica once it caught up").isTrue();
			assertThat(todos.count("thread")).isEqualTo(1);
		}
		finally {
			context.set(null);
		}
	}

	@Test
	void anExplicitScopeCarriesItsToken() throws Exception {
		ConsistencyContext context = upstream.getBean(ConsistencyContext.class);
		TodoApplication.TodoService todos = upstream.getBean(TodoApplication.TodoService.class);
		ConsistencyToken token = context.run(null, () -> todos.create("explicit"));
		assertThat(token).isNotNull();
		assertThat(context.call(token, () -> todos.count("explicit")).result()).isEqualTo(1);
		assertThat(context.call(null, () -> todos.count("explicit")).result()).as("without the token").isZero();
	}

	@Test
	void twoRequestsCarryingTheTokenInAHeaderReadTheirWrite() {
		ResponseEntity<String> write = http.post().uri("/todos?text=header").retrieve().toEntity(String.class);
		String token = write.getHeaders().getFirst(HEADER);
		assertThat(token).startsWith("v1.");
		assertThat(write.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		ResponseEntity<Long> read = http.get().uri("/todos/count?text=header").header(HEADER, token).retrieve()
			.toEntity(Long.class);
		assertThat(read.getBody()).isEqualTo(1);
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		ResponseEntity<Long> withoutToken = http.get().uri("/todos/count?text=header").retrieve().toEntity(Long.class);
		assertThat(withoutToken.getBody()).as("a client without the token sees replica lag").isZero();
		assertThat(withoutToken.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
		replica().resumeReplay();
		awaitCaughtUpAsTheMonitorSeesIt();
		ResponseEntity<Long> caughtUp = http.get().uri("/todos/count?text=header").header(HEADER, token).retrieve()
			.toEntity(Long.class);
		assertThat(caughtUp.getBody()).isEqualTo(1);
		assertThat(caughtUp.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
	}

	@Test
	void twoRequestsCarryingTheTokenInACookieReadTheirWrite() {
		ResponseEntity<String> write = http.post().uri("/todos?text=cookie").retrieve().toEntity(String.class);
		String setCookie = write.getHeaders().getFirst(HttpHeaders.SET_COOKIE);
		assertThat(setCookie).startsWith("rw-consistency=v1.").contains("HttpOnly").contains("SameSite=Lax");
		String cookie = setCookie.substring(0, setCookie.indexOf(';'));
		ResponseEntity<Long> read = http.get().uri("/todos/count?text=cookie").header(HttpHeaders.COOKIE, cookie)
			.retrieve()
			.toEntity(Long.class);
		assertThat(read.getBody()).isEqualTo(1);
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
	}

	@Test
	void aSecondApplicationCalledThroughRestClientReadsTheFirstOnesWrite() {
		Long countDownstream = http.post().uri("/todos/relay?text=relay").retrieve().body(Long.class);
		assertThat(countDownstream).isEqualTo(1);
		ResponseEntity<Long> withoutToken = RestClient.create("http://127.0.0.1:" + port(downstream))
			.get()
			.uri("/todos/count?text=relay")
			.retrieve()
			.toEntity(Long.class);
		assertThat(withoutToken.getBody()).as("the same read without the token is stale").isZero();
	}

	@Test
	void aSecondApplicationCalledThroughRestTemplateReadsTheFirstOnesWrite() {
		assertThat(http.post().uri("/todos/relay-rest-template?text=rest-template").retrieve().body(Long.class))
			.isEqualTo(1);
	}

	@Test
	void aSecondApplicationCalledThroughWebClientReadsTheFirstOnesWrite() {
		assertThat(http.post().uri("/todos/relay-web-client?text=web-client").retrieve().body(Long.class))
			.isEqualTo(1);
	}

	@Test
	void anAsyncHopReadsTheWriteOfTheRequestThatStartedIt() {
		assertThat(http.post().uri("/todos/async?text=async").retrieve().body(Long.class)).isEqualTo(1);
	}

	@Test
	void badTokensAreIgnoredAndCounted() throws SQLException {
		insertOnPrimary("bad-token");
		ConsistencyTokenCodec codec = upstream.getBean(ConsistencyTokenCodec.class);
		ClusterIdentity identity = writerIdentity();
		long now = System.currentTimeMillis();
		// Each of these would send the read to the writer if it were trusted.
		ConsistencyToken demanding = token(identity.clusterId(), identity.timeline(), now + 60_000);
		String tampered = tamper(codec.encode(demanding));
		String expired = codec.encode(token(identity.clusterId(), identity.timeline(), now - 1));
		String foreign = codec.encode(token(identity.clusterId() + 1, identity.timeline(), now + 60_000));
		String forged = new ConsistencyTokenCodec("an-attacker-does-not-know-the-key".getBytes())
			.encode(demanding);
		MeterRegistry registry = upstream.getBean(MeterRegistry.class);
		double invalidBefore = outcomes(registry, "token-invalid");
		double expiredBefore = outcomes(registry, "token-expired");
		double foreignBefore = outcomes(registry, "token-foreign");
		for (String token : List.of(tampered, expired, foreign, forged, "garbage", "v1.x.y")) {
			ResponseEntity<Long> read = http.get().uri("/todos/count?text=bad-token").header(HEADER, token).retrieve()
				.toEntity(Long.class);
			assertThat(read.getStatusCode().value()).isEqualTo(200);
			assertThat(read.getHeaders().getFirst("X-RW-Route")).as(token).isEqualTo("reader-replica1");
			assertThat(read.getBody()).as("the paused replica answered").isZero();
		}
		assertThat(outcomes(registry, "token-invalid") - invalidBefore).isEqualTo(4);
		assertThat(outcomes(registry, "token-expired") - expiredBefore).isEqualTo(1);
		assertThat(outcomes(registry, "token-foreign") - foreignBefore).isEqualTo(1);
		ResponseEntity<Long> trusted = http.get().uri("/todos/count?text=bad-token")
			.header(HEADER, codec.encode(demanding))
			.retrieve()
			.toEntity(Long.class);
		assertThat(trusted.getHeaders().getFirst("X-RW-Route")).as("the untampered token is trusted").isEqualTo("writer");
	}

	@Test
	void aTokenFromAnEarlierTimelineSendsReadsToTheWriter() {
		replica().resumeReplay();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		ConsistencyTokenCodec codec = upstream.getBean(ConsistencyTokenCodec.class);
		ClusterIdentity identity = writerIdentity();
		long now = System.currentTimeMillis();
		ConsistencyToken beforeFailover = new ConsistencyToken(
				List.of(new ConsistencyToken.Entry(identity.clusterId(), identity.timeline() - 1, 0, now)), now + 60_000);
		MeterRegistry registry = upstream.getBean(MeterRegistry.class);
		double before = outcomes(registry, "writer-stale-timeline");
		ResponseEntity<Long> read = http.get().uri("/todos/count?text=timeline")
			.header(HEADER, codec.encode(beforeFailover))
			.retrieve()
			.toEntity(Long.class);
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		assertThat(outcomes(registry, "writer-stale-timeline") - before).isEqualTo(1);
	}

	private static ConsistencyToken token(long clusterId, int timeline, long expiresAt) {
		// a position far ahead of anything the replica has replayed
		return new ConsistencyToken(List.of(new ConsistencyToken.Entry(clusterId, timeline, Long.MAX_VALUE / 2,
				System.currentTimeMillis())), expiresAt);
	}

	private static String tamper(String token) {
		int index = 5;
		char c = token.charAt(index);
		return token.substring(0, index) + ((c == 'A') ? 'B' : 'A') + token.substring(index + 1);
	}

	private static ClusterIdentity writerIdentity() {
		ReplicaMonitor monitor = upstream.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> monitor.writerIdentity() != null);
		return monitor.writerIdentity();
	}

	/**
	 * Until the monitor polls again, its last measurement still shows the lag from before the resume,
	 * and a read right after a write goes to the writer without asking the replica (see
	 * ReaderCheckConsistencyIntegrationTests for reads that ask it).
	 */
	private static void awaitCaughtUpAsTheMonitorSeesIt() {
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		Instant caughtUp = Instant.now();
		ReplicaMonitor monitor = upstream.getBean(ReplicaMonitor.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> monitor.statuses()
				.stream()
				.filter((status) -> !status.writer())
				.allMatch((status) -> status.checkedAt() != null && status.checkedAt().isAfter(caughtUp)
						&& status.lagBytes() == 0));
	}

	private static double outcomes(MeterRegistry registry, String outcome) {
		// Registered on first use: an outcome that never happened has no counter.
		Counter counter = registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static PostgresNode replica() {
		return cluster.replica(1);
	}

	private static void insertOnPrimary(String text) throws SQLException {
		Sql.execute(cluster.primary(), "insert into todos (text) values ('" + text + "')");
	}

}
