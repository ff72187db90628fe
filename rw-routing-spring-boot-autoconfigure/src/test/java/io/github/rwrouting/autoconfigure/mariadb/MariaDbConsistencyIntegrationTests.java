package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.github.rwrouting.autoconfigure.consistency.TodoApplication;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MariaDbDialect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-your-writes against a real MariaDB primary and a GTID replica under real lag (replay paused,
 * or a table lock held on the replica blocking replay), with each driver: within a thread, across
 * HTTP requests (header and cookie), from one application to another (RestClient, RestTemplate,
 * WebClient), and across an {@code @Async} hop; a token from an earlier writer goes to the writer.
 * Two applications per driver, started on first use.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbConsistencyIntegrationTests {

	private static final String HEADER = "X-RW-Consistency";

	private static final Map<MariaDbDriver, Applications> applications = new EnumMap<>(MariaDbDriver.class);

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		MariaDbSql.execute(cluster.primary(),
				"create table todos (id int auto_increment primary key, text varchar(200) not null)");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stopApplications() {
		applications.values().forEach(Applications::close);
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

	private static Applications applications(MariaDbDriver driver) {
		return applications.computeIfAbsent(driver, Applications::start);
	}

	@ParameterizedTest
	@EnumSource
	void aThreadReadsItsOwnWriteAndUsesTheReplicaOnceItCaughtUp(MariaDbDriver driver) {
		Applications apps = applications(driver);
		ConsistencyContext context = apps.upstream.getBean(ConsistencyContext.class);
		TodoApplication.TodoService todos = apps.upstream.getBean(TodoApplication.TodoService.class);
		String text = "thread-" + driver;
		context.set(null);
		try {
			todos.create(text);
			ConsistencyToken token = context.current();
			assertThat(token).isNotNull();
			assertThat(token.entries().get(0).gtids()).hasToString(cluster.primary().gtidPosition());
			assertThat(todos.count(text)).isEqualTo(1);
			assertThat(todos.readsFromReplica()).as("runs on the writer while the replica lags").isFalse();
			replica().resumeReplay();
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			// The token is the thread's: poll in this thread. Until the monitor measures the replica
			// again it may still be taken to lag.
			await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(todos::readsFromReplica);
			assertThat(todos.count(text)).isEqualTo(1);
		}
		finally {
			context.set(null);
		}
	}

	@ParameterizedTest
	@EnumSource
	void twoRequestsCarryingTheTokenInAHeaderReadTheirWrite(MariaDbDriver driver) {
		Applications apps = applications(driver);
		MeterRegistry meters = apps.upstream.getBean(MeterRegistry.class);
		String text = "header-" + driver;
		ResponseEntity<String> write = apps.http.post().uri("/todos?text=" + text).retrieve().toEntity(String.class);
		String token = write.getHeaders().getFirst(HEADER);
		assertThat(token).as("a GTID token").startsWith("v2.");
		assertThat(write.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		double behindBefore = outcomes(meters, "writer-fallback") + outcomes(meters, "writer-replica-behind");
		ResponseEntity<Long> read = count(apps.http, text, token);
		assertThat(read.getBody()).isEqualTo(1);
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		assertThat(outcomes(meters, "writer-fallback") + outcomes(meters, "writer-replica-behind") - behindBefore)
			.as("counted").isEqualTo(1);
		ResponseEntity<Long> withoutToken = count(apps.http, text, null);
		assertThat(withoutToken.getBody()).as("a client without the token sees replica lag").isZero();
		assertThat(withoutToken.getHeaders().getFirst("X-RW-Route")).isEqualTo("reader-replica1");
		replica().resumeReplay();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		double checkedBefore = outcomes(meters, "replica-checked");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "reader-replica1".equals(count(apps.http, text, token).getHeaders().getFirst("X-RW-Route")));
		assertThat(count(apps.http, text, token).getBody()).isEqualTo(1);
		assertThat(outcomes(meters, "replica-checked") - checkedBefore).as("asked the replica").isGreaterThanOrEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource
	void twoRequestsCarryingTheTokenInACookieReadTheirWrite(MariaDbDriver driver) {
		Applications apps = applications(driver);
		String text = "cookie-" + driver;
		ResponseEntity<String> write = apps.http.post().uri("/todos?text=" + text).retrieve().toEntity(String.class);
		String setCookie = write.getHeaders().getFirst(HttpHeaders.SET_COOKIE);
		assertThat(setCookie).startsWith("rw-consistency=v2.").contains("HttpOnly").contains("SameSite=Lax");
		String cookie = setCookie.substring(0, setCookie.indexOf(';'));
		ResponseEntity<Long> read = apps.http.get()
			.uri("/todos/count?text=" + text)
			.header(HttpHeaders.COOKIE, cookie)
			.retrieve()
			.toEntity(Long.class);
		assertThat(read.getBody()).isEqualTo(1);
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
	}

	@ParameterizedTest
	@EnumSource
	void aSecondApplicationCalledThroughRestClientRestTemplateAndWebClientReadsTheFirstOnesWrite(
			MariaDbDriver driver) {
		Applications apps = applications(driver);
		for (String relay : List.of("relay", "relay-rest-template", "relay-web-client")) {
			String text = relay + "-" + driver;
			assertThat(apps.http.post().uri("/todos/" + relay + "?text=" + text).retrieve().body(Long.class))
				.as(relay)
				.isEqualTo(1);
			assertThat(count(RestClient.create("http://127.0.0.1:" + port(apps.downstream)), text, null).getBody())
				.as("the same read without the token is stale")
				.isZero();
		}
	}

	@ParameterizedTest
	@EnumSource
	void anAsyncHopReadsTheWriteOfTheRequestThatStartedIt(MariaDbDriver driver) {
		Applications apps = applications(driver);
		String text = "async-" + driver;
		assertThat(apps.http.post().uri("/todos/async?text=" + text).retrieve().body(Long.class)).isEqualTo(1);
		assertThat(count(apps.http, text, null).getBody()).as("without the token: the paused replica").isZero();
	}

	@ParameterizedTest
	@EnumSource
	void aLockHeldOnTheReplicaHoldsReplayBackAndTheTokenSendsTheReadToTheWriterUntilReleased(MariaDbDriver driver)
			throws Exception {
		replica().resumeReplay();
		Applications apps = applications(driver);
		String text = "locked-" + driver;
		try (Connection lock = replica().connect(); Statement statement = lock.createStatement()) {
			// Replay of the next write to todos waits for this lock: milliseconds of lag, not seconds.
			statement.execute("lock tables todos read");
			ResponseEntity<String> write = apps.http.post().uri("/todos?text=" + text).retrieve().toEntity(String.class);
			String token = write.getHeaders().getFirst(HEADER);
			String written = cluster.primary().gtidPosition();
			assertThat(replica().replayedGtidPosition()).as("replay held back").isNotEqualTo(written);
			ResponseEntity<Long> read = count(apps.http, text, token);
			assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
			assertThat(read.getBody()).isEqualTo(1);
			// The lock is released without any wait: the replay catches up at once.
			statement.execute("unlock tables");
			replica().awaitReplay(written, Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "reader-replica1".equals(count(apps.http, text, token).getHeaders().getFirst("X-RW-Route")));
			assertThat(count(apps.http, text, token).getBody()).isEqualTo(1);
		}
	}

	@Test
	void aTokenFromAnEarlierWriterSendsReadsToTheWriter() {
		replica().resumeReplay();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		Applications apps = applications(MariaDbDriver.MARIADB_MULTI_QUERIES);
		ConsistencyTokenCodec codec = apps.upstream.getBean(ConsistencyTokenCodec.class);
		long now = System.currentTimeMillis();
		// A write of another server id (a writer before a failover), at a sequence the replica has:
		// its GTID could alias a later writer's, so it is not checked on the replica.
		int earlierWriter = cluster.primary().serverId() + 100;
		GtidPosition gtid = GtidPosition.parse("0-" + earlierWriter + "-1");
		ConsistencyToken beforeFailover = new ConsistencyToken(
				List.of(new ConsistencyToken.Entry(MariaDbDialect.CLUSTER_ID, earlierWriter, 1, now, gtid)),
				now + 60_000);
		MeterRegistry meters = apps.upstream.getBean(MeterRegistry.class);
		// A timeline is stale only against the writer's known one: wait for the monitor's first poll
		// of a freshly started application (seen failing under load when this test ran first).
		ClusterState clusterState = apps.upstream.getBean(ClusterState.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> clusterState.writerIdentity() != null);
		double before = outcomes(meters, "writer-stale-timeline");
		ResponseEntity<Long> read = count(apps.http, "timeline", codec.encode(beforeFailover));
		assertThat(read.getHeaders().getFirst("X-RW-Route")).isEqualTo("writer");
		assertThat(outcomes(meters, "writer-stale-timeline") - before).isEqualTo(1);
	}

	private static ResponseEntity<Long> count(RestClient http, String text, String token) {
		return http.get()
			.uri("/todos/count?text=" + text)
			.headers((headers) -> {
				if (token != null) {
					headers.set(HEADER, token);
				}
			})
			.retrieve()
			.toEntity(Long.class);
	}

	private static double outcomes(MeterRegistry registry, String outcome) {
		// Registered on first use: an outcome that never happened has no counter.
		Counter counter = registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static MariaDbNode replica() {
		return cluster.replica(1);
	}

	/**
	 * An application that writes and a second one it calls, both with the driver.
	 */
	private record Applications(ConfigurableApplicationContext upstream, ConfigurableApplicationContext downstream,
			RestClient http) {

		static Applications start(MariaDbDriver driver) {
			ConfigurableApplicationContext downstream = application(driver);
			ConfigurableApplicationContext upstream = application(driver,
					"downstream.url=http://127.0.0.1:" + port(downstream));
			return new Applications(upstream, downstream, RestClient.create("http://127.0.0.1:" + port(upstream)));
		}

		private static ConfigurableApplicationContext application(MariaDbDriver driver, String... extra) {
			String[] properties = driver.properties(cluster, "server.port=0", "spring.flyway.enabled=false",
					"spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=none",
					"rw-routing.web.route-header=true", "rw-routing.monitor.interval=200ms",
					// a paused replica keeps serving reads without a token: its lag must not exclude it
					"rw-routing.max-lag=1h",
					"rw-routing.consistency.signing-key=the-same-key-on-every-instance-0123",
					"todos.on-replica-sql=select @@read_only = 1");
			return new SpringApplicationBuilder(TodoApplication.class).properties(properties).properties(extra).run();
		}

		void close() {
			this.upstream.close();
			this.downstream.close();
		}

	}

}
