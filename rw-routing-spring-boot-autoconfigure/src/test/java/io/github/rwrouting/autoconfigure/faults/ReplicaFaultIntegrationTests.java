package io.github.rwrouting.autoconfigure.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingHealthAutoConfiguration;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's proof, "a replica can never hurt the application", measured: a real primary with two
 * streaming replicas, the routing auto-configured in a Spring Boot application
 * ({@code DataSourceTransactionManager}, {@code JdbcClient}, Actuator health), concurrent read-only
 * transactions (half of them carrying the consistency token of the newest acknowledged write) and
 * writes, while a replica is frozen (SIGSTOP), killed and restarted, its pool saturated, promoted,
 * and while the writer pool is full.
 * <p>
 * While the writer is up, every fault must leave: no failed read; every read within
 * {@link #READ_BOUND}, derived from the configured timeouts below (and, with the writer pool full,
 * every read carrying a token within {@link #WRITER_POOL_FULL_TOKEN_READ_BOUND}); no acknowledged
 * write missing on the primary; no read served by a promoted replica once the monitor could have
 * seen it; Boot's health endpoint UP (and answering) throughout a replica failure; reads back on a
 * recovered replica within {@link #BACK_BOUND}. Each replica fault also shows in the monitor as the
 * exclusion of that reader, for the reason that fits it.
 * <p>
 * Also here, against the same nodes: a long report on a healthy replica is never cut short by those
 * bounds, and two misconfigurations an operator can only see at run time (a reader that is the
 * primary itself, a writer URL on a standby) are reported once and cost nothing at each poll.
 */
@ReplicatedPostgres(replicas = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class ReplicaFaultIntegrationTests {

	// ---- What the application is configured with (see properties()) ----

	/** {@code rw-routing.monitor.interval}. */
	static final Duration MONITOR_INTERVAL = Duration.ofMillis(200);

	/** {@code rw-routing.monitor.timeout} (its default, set explicitly). */
	static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(1);

	/** {@code rw-routing.readers.<name>.hikari.connection-timeout}: how long a read waits for a reader pool. */
	static final Duration READER_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

	/** {@code spring.datasource.hikari.connection-timeout}: how long a write waits for the writer pool. */
	static final Duration WRITER_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

	/** {@code spring.datasource.hikari.maximum-pool-size}, which the reader pools inherit. */
	static final int POOL_SIZE = 4;

	// ---- The bounds derived from it ----

	/** Scheduling delays on a loaded two-core machine shared by several builds. */
	static final Duration SLACK = Duration.ofSeconds(1);

	/**
	 * The longest a read may take: it may wait for one failure to be noticed, either by the monitor
	 * (a poll that started just before the fault, then one that times out: interval + timeout) or by
	 * its reader pool's borrow timeout, whichever is longer, and then runs on another node.
	 * max(200 ms + 1000 ms, 1000 ms) + 1000 ms = 2200 ms.
	 */
	static final Duration READ_BOUND = max(MONITOR_INTERVAL.plus(MONITOR_TIMEOUT), READER_CONNECTION_TIMEOUT)
		.plus(SLACK);

	/**
	 * How soon reads are back on a recovered replica: it rejoins after two successful polls.
	 * 2 x 200 ms + 1000 ms = 1400 ms.
	 */
	static final Duration BACK_BOUND = MONITOR_INTERVAL.multipliedBy(2).plus(SLACK);

	/**
	 * How long until the monitor has seen a change to a node (a replica frozen, killed, promoted): a
	 * poll that started just before it, then the next one, which times out or sees it
	 * (interval + timeout). 200 ms + 1000 ms + 1000 ms = 2200 ms. After a promotion, reads may still
	 * reach the promoted node until then.
	 */
	static final Duration SEEN_BOUND = MONITOR_INTERVAL.plus(MONITOR_TIMEOUT).plus(SLACK);

	/**
	 * How soon the monitor must have excluded a frozen or killed replica: {@link #SEEN_BOUND} with a
	 * second slack, since the monitor's polls, unlike reads, queue behind the load for the two cores
	 * (2153 ms seen against 2200 ms on a loaded run). 200 ms + 1000 ms + 2 x 1000 ms = 3200 ms.
	 */
	static final Duration EXCLUDED_BOUND = MONITOR_INTERVAL.plus(MONITOR_TIMEOUT).plus(SLACK.multipliedBy(2));

	/**
	 * The longest a read carrying a token may take while the writer pool is full: where it would
	 * have queued for the writer, it asks the readers again, waiting for its write at most one
	 * monitor interval in all ({@code ConsistencyGuard#writerPoolFullWaitNanos}, max-wait being 0),
	 * after one replay check on its own reader. 200 ms + 1000 ms = 1200 ms.
	 */
	static final Duration WRITER_POOL_FULL_TOKEN_READ_BOUND = MONITOR_INTERVAL.plus(SLACK);

	/** How long a fault lasts: well past {@link #READ_BOUND}, so a read stuck for the whole fault fails it. */
	static final Duration FAULT = Duration.ofSeconds(6);

	/** Load before the fault. */
	static final Duration WARM_UP = Duration.ofSeconds(1);

	/** How long the writer pool stays full: less than the writer's connection timeout, so writes only wait. */
	static final Duration WRITER_POOL_FULL = Duration.ofSeconds(4);

	static final int READER_THREADS = 6;

	static final int WRITER_THREADS = 2;

	/** Deadline of every wait for something to happen. */
	static final Duration DEADLINE = Duration.ofSeconds(60);

	private static PostgresCluster cluster;

	/** The node started as primary: the writer throughout, also after a replica is promoted. */
	private static PostgresNode primary;

	@BeforeAll
	static void createSchema(PostgresCluster postgres) throws SQLException {
		cluster = postgres;
		primary = cluster.primary();
		Sql.execute(primary, FaultApplication.SCHEMA);
		cluster.awaitReplicasCaughtUp(DEADLINE);
	}

	static List<String> properties() {
		List<String> properties = new ArrayList<>();
		properties.add("spring.datasource.url=" + primary.jdbcUrl());
		properties.add("spring.datasource.username=" + cluster.username());
		properties.add("spring.datasource.password=" + cluster.password());
		properties.add("spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE);
		properties.add("spring.datasource.hikari.connection-timeout=" + WRITER_CONNECTION_TIMEOUT.toMillis());
		for (PostgresNode replica : cluster.replicas()) {
			properties.add("rw-routing.readers." + replica.name() + ".url=" + replica.jdbcUrl());
			properties.add("rw-routing.readers." + replica.name() + ".hikari.connection-timeout="
					+ READER_CONNECTION_TIMEOUT.toMillis());
		}
		properties.add("rw-routing.monitor.interval=" + MONITOR_INTERVAL.toMillis() + "ms");
		properties.add("rw-routing.monitor.timeout=" + MONITOR_TIMEOUT.toMillis() + "ms");
		properties.add("spring.flyway.enabled=false");
		properties.add("spring.liquibase.enabled=false");
		properties.add("management.endpoint.health.show-components=always");
		properties.add("management.endpoint.health.show-details=always");
		return properties;
	}

	private static FaultRun start() {
		return FaultRun.start(properties(), cluster.replicas(), READER_THREADS, WRITER_THREADS, READ_BOUND);
	}

	@Test
	@Order(1)
	void aFrozenReplicaNeitherFailsNorDelaysReads(CapturedOutput output) throws Exception {
		PostgresNode frozen = cluster.replica(1);
		try (FaultRun run = start()) {
			Outage outage = outage(run, frozen, PostgresNode::freeze, PostgresNode::thaw);
			run.stop(DEADLINE);
			SoftAssertions softly = new SoftAssertions();
			assertOutage(softly, run, "frozen replica1", outage);
			softly.assertThat(readerDetails(outage.health(), frozen.name()))
				.as("rwRouting health of the frozen reader")
				.containsEntry("up", false)
				.containsEntry("excluded", true)
				.containsEntry("exclusionReason", "down");
			softly.assertThat(outage.health().getStatus()).as("rwRouting health").isEqualTo(Status.UP);
			softly.assertThat(dbHealthComponents(run)).as("the db health contributor checks the writer only")
				.containsExactlyInAnyOrder("dataSource", "writerDataSource");
			softly.assertThat(output.getOut() + output.getErr())
				.as("in-flight reads released when the monitor lost the node")
				.contains("rw-routing released pool reader-" + frozen.name());
			softly.assertAll();
		}
		finally {
			if (frozen.isFrozen()) {
				frozen.thaw();
			}
		}
	}

	@Test
	@Order(2)
	void aKilledAndRestartedReplicaNeitherFailsNorDelaysReads() throws Exception {
		PostgresNode killed = cluster.replica(2);
		try (FaultRun run = start()) {
			Outage outage = outage(run, killed, PostgresNode::kill, PostgresNode::start);
			run.stop(DEADLINE);
			SoftAssertions softly = new SoftAssertions();
			assertOutage(softly, run, "killed and restarted replica2", outage);
			softly.assertAll();
		}
		finally {
			killed.start();
		}
		cluster.awaitReplicasCaughtUp(DEADLINE);
	}

	@Test
	@Order(3)
	void aSaturatedReaderPoolDelaysReadsOnlyOnce() throws Exception {
		PostgresNode saturated = cluster.replica(1);
		try (FaultRun run = start()) {
			HikariDataSource pool = run.context.getBean("reader-" + saturated.name() + "DataSource",
					HikariDataSource.class);
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			List<Connection> held = holdAllConnections(pool);
			long saturatedAt = System.nanoTime();
			double excludedGauge;
			boolean monitorSawItUp;
			try {
				// The monitor's own connection is fine: only the reads' borrow timeouts can exclude it.
				awaitExcluded(run, saturated, ExclusionReason.CONNECTION_FAILURES, saturatedAt);
				monitorSawItUp = status(run, saturated).up();
				excludedGauge = run.meters.get(RoutingMetrics.REPLICA_EXCLUDED)
					.tag("replica", saturated.name())
					.gauge()
					.value();
				run.load.runFor(Duration.ofNanos(saturatedAt + FAULT.toNanos() - System.nanoTime()));
			}
			finally {
				for (Connection connection : held) {
					connection.close();
				}
			}
			long recoveredAt = System.nanoTime();
			long backMillis = awaitBack(run, saturated, recoveredAt);
			run.stop(DEADLINE);
			SoftAssertions softly = new SoftAssertions();
			assertReplicaFault(softly, run, "saturated pool of replica1", faultAt, recoveredAt, backMillis);
			// Each reader thread may wait for the saturated pool's borrow timeout once when the
			// saturation starts and once when the reader is tried again; not on every other read.
			List<FaultLoad.Read> waitedForThePool = run.load.reads()
				.stream()
				.filter((read) -> read.overlaps(saturatedAt, recoveredAt)
						&& read.millis() >= READER_CONNECTION_TIMEOUT.toMillis())
				.toList();
			System.out.printf("    reads that waited the saturated pool's connection-timeout: %d (allowed %d)%n",
					waitedForThePool.size(), 2 * READER_THREADS);
			softly.assertThat(waitedForThePool.size())
				.as("reads that waited the saturated pool's connection-timeout (%d ms) during %d s of saturation",
						READER_CONNECTION_TIMEOUT.toMillis(), FAULT.toSeconds())
				.isLessThanOrEqualTo(2 * READER_THREADS);
			softly.assertThat(monitorSawItUp).as("the monitor's own poll of the saturated replica succeeds").isTrue();
			softly.assertThat(excludedGauge).as("rw.routing replica excluded gauge of the saturated reader")
				.isEqualTo(1);
			softly.assertAll();
		}
	}

	@Test
	@Order(4)
	void aFullWriterPoolNeitherFailsNorDelaysReadsThatCarryATokenAReplicaSatisfies() throws Exception {
		try (FaultRun run = start(); Connection lock = primary.connect()) {
			HikariDataSource writerPool = run.context.getBean("writerDataSource", HikariDataSource.class);
			int fillers = writerPool.getMaximumPoolSize();
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			lock.setAutoCommit(false);
			try (Statement statement = lock.createStatement()) {
				statement.execute("lock table fault_blocker in access exclusive mode");
			}
			ExecutorService blocked = Executors.newFixedThreadPool(fillers);
			long fullAt;
			long releasedAt;
			List<Future<?>> blockedWrites = new ArrayList<>();
			try {
				FaultApplication.Writes writes = run.context.getBean(FaultApplication.Writes.class);
				for (int i = 0; i < fillers; i++) {
					blockedWrites.add(blocked.submit(writes::insertBlocked));
				}
				await("every writer connection held by a blocked write").atMost(DEADLINE)
					.until(() -> waitingForTheLock() == fillers);
				fullAt = System.nanoTime();
				run.load.runFor(WRITER_POOL_FULL);
			}
			finally {
				lock.commit();
				releasedAt = System.nanoTime();
			}
			for (Future<?> write : blockedWrites) {
				write.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
			}
			blocked.shutdown();
			run.stop(DEADLINE);
			List<FaultLoad.Read> reads = run.load.reads();
			List<FaultLoad.Read> whileFull = inWindow(reads, fullAt, releasedAt);
			List<FaultLoad.Read> tokenReadsWhileFull = whileFull.stream().filter(FaultLoad.Read::withToken).toList();
			Set<Long> lost = FaultRun.missingOn(primary, run.load.acknowledged());
			report("full writer pool", reads, whileFull, faultAt, releasedAt, -1, run, lost);
			long slowestTokenRead = tokenReadsWhileFull.stream().mapToLong(FaultLoad.Read::millis).max().orElse(0);
			System.out.printf("    reads carrying a token while the writer pool was full: %d, %s, on the writer %d; "
					+ "consistency outcomes of the run: %s%n", tokenReadsWhileFull.size(),
					FaultRun.latencies(tokenReadsWhileFull),
					tokenReadsWhileFull.stream().filter((read) -> read.failure() == null && !read.inRecovery()).count(),
					consistencyOutcomes(run));
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(tokenReadsWhileFull).as("reads carrying a token while the writer pool was full")
				.isNotEmpty();
			softly.assertThat(slowestTokenRead)
				.as("slowest read carrying a token while the writer pool was full, in ms (bound %d ms = monitor "
						+ "interval %d ms + %d ms); over it: %s", WRITER_POOL_FULL_TOKEN_READ_BOUND.toMillis(),
						MONITOR_INTERVAL.toMillis(), SLACK.toMillis(),
						describe(tokenReadsWhileFull.stream()
							.filter((read) -> read.millis() > WRITER_POOL_FULL_TOKEN_READ_BOUND.toMillis())
							.toList()))
				.isLessThanOrEqualTo(WRITER_POOL_FULL_TOKEN_READ_BOUND.toMillis());
			assertReads(softly, reads);
			softly.assertThat(lost).as("acknowledged writes missing on the primary").isEmpty();
			softly.assertAll();
		}
	}

	/**
	 * Bounding how long a read waits for a reader never bounds work on a reader: a report longer
	 * than every bound above put together completes on a healthy replica, under load, and the
	 * replica stays in service.
	 */
	@Test
	@Order(5)
	void aLongReportOnAHealthyReplicaIsNeverCutShort() throws Exception {
		try (FaultRun run = start()) {
			Duration report = READ_BOUND.plus(MONITOR_INTERVAL).plus(MONITOR_TIMEOUT).plus(READER_CONNECTION_TIMEOUT);
			TransactionTemplate readOnly = new TransactionTemplate(run.context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			JdbcClient jdbc = run.context.getBean(JdbcClient.class);
			long started = System.nanoTime();
			Integer port = readOnly.execute((status) -> jdbc
				.sql("select inet_server_port() from pg_sleep(" + report.toMillis() / 1000.0 + ")")
				.query(Integer.class)
				.single());
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			PostgresNode ranOn = cluster.replicas().stream().filter((replica) -> replica.port() == port).findFirst()
				.orElse(null);
			run.stop(DEADLINE);
			System.out.printf("FAULT none, a %d ms report: ran on %s in %d ms%n", report.toMillis(), nodeName(port),
					took.toMillis());
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(ranOn).as("the report ran on a replica (port %d)", port).isNotNull();
			softly.assertThat(took).as("the report ran to its end").isGreaterThanOrEqualTo(report);
			if (ranOn != null) {
				softly.assertThat(status(run, ranOn).excluded()).as("%s still serves", ranOn.name()).isFalse();
			}
			assertReads(softly, run.load.reads());
			softly.assertAll();
		}
	}

	/**
	 * A reader URL that reaches the primary itself (the same node under another host name): only the
	 * monitor can tell. It serves (it is the writer's own node: same cluster and timeline), health
	 * shows it as such, and it is reported once, not at every poll.
	 */
	@Test
	@Order(6)
	void aReaderOnThePrimaryServesAndIsReportedOnce(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingHealthAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + primary.jdbcUrl(),
					"spring.datasource.username=" + cluster.username(), "spring.datasource.password=" + password(),
					"rw-routing.monitor.interval=" + MONITOR_INTERVAL.toMillis() + "ms",
					"rw-routing.readers.main.url=" + primary.jdbcUrl().replace("127.0.0.1", "localhost"))
			.run((context) -> {
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(DEADLINE).until(() -> status(monitor, "main").servedByWriterNode());
				await().atMost(DEADLINE).until(() -> status(monitor, "main").up() && !status(monitor, "main").excluded());
				TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				readOnly.setReadOnly(true);
				Integer port = readOnly.execute((status) -> context.getBean(JdbcClient.class)
					.sql("select inet_server_port()")
					.query(Integer.class)
					.single());
				assertThat(port).isEqualTo(primary.port());
				Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(readerDetails(health, "main")).containsEntry("writerNode", true).containsEntry("role", "primary");
				// One warning per state change, not one per poll: polls over three more intervals say nothing.
				Instant seen = status(monitor, "main").checkedAt();
				await().atMost(DEADLINE)
					.until(() -> status(monitor, "main").checkedAt().isAfter(seen.plus(MONITOR_INTERVAL.multipliedBy(3))));
				assertThat(output.getOut() + output.getErr()).containsOnlyOnce("reader 'main' reaches the writer's own node");
			});
	}

	/**
	 * A writer URL on a standby: its pool is retired once when the monitor finds it there, then
	 * with a growing backoff (0.5 s, 1 s, 2 s, 4 s), not at every 100 ms poll, and warned once.
	 */
	@Test
	@Order(7)
	void aWriterOnAStandbyRetiresItsPoolOncePerRoleChangeThenWithBackoff(CapturedOutput output) {
		PostgresNode standby = cluster.replica(1);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + standby.jdbcUrl(),
					"spring.datasource.username=" + cluster.username(), "spring.datasource.password=" + password(),
					"rw-routing.monitor.interval=100ms",
					// Routing (and with it the monitor) only steps in with a reader.
					"rw-routing.readers." + standby.name() + ".url=" + standby.jdbcUrl())
			.run((context) -> {
				WriterPoolEvictor evictor = context.getBean(WriterPoolEvictor.class);
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(DEADLINE).until(() -> evictor.evictions() >= 1);
				long first = System.nanoTime();
				// 60 polls of a writer that stays on a standby.
				await().atMost(DEADLINE)
					.until(() -> System.nanoTime() - first > TimeUnit.SECONDS.toNanos(6)
							&& monitor.statuses().get(0).isDemotedWriter());
				long evictions = evictor.evictions();
				System.out.printf("writer on a standby: %d retirements in %d ms of 100ms polls%n", evictions,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first));
				assertThat(evictions).isBetween(2L, 6L);
				String log = output.getOut() + output.getErr();
				assertThat(log).containsOnlyOnce("the writer pool reaches a replica");
				assertThat(countOf(log, "rw-routing retired the connections of pool writer")).isEqualTo(1);
			});
	}

	/**
	 * A reader supplied by a {@link ReaderConnectionDetails} bean (not by {@code rw-routing.readers.*})
	 * stays out of Spring Boot's {@code db} health contributor too: frozen, it neither turns health
	 * DOWN nor slows it.
	 */
	@Test
	@Order(8)
	void aFrozenReaderFromAReaderConnectionDetailsBeanStaysOutOfDbHealth() {
		PostgresNode frozen = cluster.replica(1);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingHealthAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + primary.jdbcUrl(),
					"spring.datasource.username=" + cluster.username(), "spring.datasource.password=" + password(),
					"rw-routing.monitor.interval=" + MONITOR_INTERVAL.toMillis() + "ms")
			.withBean("replica-1", ReaderConnectionDetails.class, () -> frozen::jdbcUrl)
			.run((context) -> {
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				await().atMost(DEADLINE)
					.until(() -> status(monitor, "replica-1").up() && !status(monitor, "replica-1").excluded());
				HealthContributor db = context.getBean("dbHealthContributor", HealthContributor.class);
				assertThat(dbHealthComponents(db)).containsExactlyInAnyOrder("dataSource", "writerDataSource");
				frozen.freeze();
				try {
					await().atMost(DEADLINE).until(() -> !status(monitor, "replica-1").up());
					long started = System.nanoTime();
					Health routing = context.getBean(RwRoutingHealthIndicator.class).health(true);
					List<Status> dbStatuses = StreamSupport.stream(((CompositeHealthContributor) db).spliterator(), false)
						.map((entry) -> ((HealthIndicator) entry.contributor()).health(true).getStatus())
						.toList();
					Duration took = Duration.ofNanos(System.nanoTime() - started);
					assertThat(routing.getStatus()).isEqualTo(Status.UP);
					assertThat(readerDetails(routing, "replica-1")).containsEntry("up", false)
						.containsEntry("excluded", true);
					assertThat(dbStatuses).containsOnly(Status.UP);
					assertThat(took).as("health answered without waiting on the frozen reader").isLessThan(MONITOR_TIMEOUT);
				}
				finally {
					frozen.thaw();
				}
				await().atMost(DEADLINE).until(() -> status(monitor, "replica-1").up());
			});
	}

	/**
	 * A replica promoted out of band (the writer stays on the old primary) serves no read from the
	 * promotion on, not even before the monitor's next poll: PostgreSQL reports the promotion to each
	 * session with its next answer ({@code in_hot_standby} off), so a read whose statement ran on the
	 * promoted node runs again on the writer, and the reader is excluded at once. A read counts as
	 * served by the promoted node when its own statement saw that node out of recovery.
	 */
	@Test
	@Order(9)
	void aPromotedReplicaServesNoRead(CapturedOutput output) throws Exception {
		PostgresNode promoted = cluster.replica(2);
		try (FaultRun run = start()) {
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			promoted.promote();
			long promotedAt = System.nanoTime();
			long excludedMillis = awaitExcluded(run, promoted, ExclusionReason.NOT_A_REPLICA, promotedAt);
			run.load.runFor(Duration.ofNanos(faultAt + FAULT.toNanos() - System.nanoTime()));
			long endAt = System.nanoTime();
			run.stop(DEADLINE);
			List<FaultLoad.Read> reads = run.load.reads();
			Predicate<FaultLoad.Read> onPromoted = (read) -> read.failure() == null && read.port() == promoted.port()
					&& !read.inRecovery();
			List<FaultLoad.Read> servedByPromoted = reads.stream().filter(onPromoted).toList();
			long readsOnItOncePromoting = reads.stream()
				.filter((read) -> read.failure() == null && read.port() == promoted.port() && read.endNanos() >= faultAt)
				.count();
			Set<Long> lost = FaultRun.missingOn(primary, run.load.acknowledged());
			report("promoted replica2 (writer stays on the old primary)", reads, inWindow(reads, faultAt, endAt), faultAt,
					endAt, -1, run, lost);
			System.out.printf("    reads served by the promoted node (their statement saw it out of recovery): %d; "
					+ "reads on it that ended once the promotion began: %d%n", servedByPromoted.size(), readsOnItOncePromoting);
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(servedByPromoted.size())
				.as("reads served by the promoted (diverged) replica2, whose statement saw it out of recovery; first: %s",
						describe(servedByPromoted))
				.isZero();
			softly.assertThat(excludedMillis)
				.as("ms from the promotion until replica2 was excluded (not a replica)")
				.isLessThanOrEqualTo(SEEN_BOUND.toMillis());
			String log = output.getOut() + output.getErr();
			String reader = "rw-routing reader '" + promoted.name() + "' ";
			softly.assertThat(countOf(log, reader + "is not a replica") + countOf(log, reader + "reports that it left recovery"))
				.as("warnings that replica2 is not a replica any more (by the monitor or by a read)")
				.isEqualTo(1);
			assertReads(softly, reads);
			assertHealthUp(softly, run);
			softly.assertThat(lost).as("acknowledged writes missing on the primary").isEmpty();
			softly.assertAll();
		}
	}

	private interface NodeAction {

		void apply(PostgresNode node) throws Exception;

	}

	/**
	 * A replica outage as the application saw it.
	 *
	 * @param faultAt when the node was frozen or killed
	 * @param recoveredAt when it was thawed or restarted
	 * @param detectedMillis how soon the monitor excluded it
	 * @param backMillis how soon reads were back on it once it had caught up
	 * @param health {@code rwRouting} health once the monitor had excluded it
	 */
	private record Outage(long faultAt, long recoveredAt, long detectedMillis, long backMillis, Health health) {

	}

	/**
	 * Warm up, take the node down for {@link #FAULT} while the load runs (waiting meanwhile for the
	 * monitor to exclude it), bring it back, and wait for reads to return to it.
	 */
	private static Outage outage(FaultRun run, PostgresNode node, NodeAction fail, NodeAction recover)
			throws Exception {
		run.load.runFor(WARM_UP);
		long faultAt = System.nanoTime();
		fail.apply(node);
		long detectedMillis;
		Health health;
		try {
			detectedMillis = awaitExcluded(run, node, ExclusionReason.DOWN, faultAt);
			health = run.context.getBean(RwRoutingHealthIndicator.class).health(true);
			run.load.runFor(Duration.ofNanos(faultAt + FAULT.toNanos() - System.nanoTime()));
		}
		finally {
			recover.apply(node);
		}
		long recoveredAt = System.nanoTime();
		return new Outage(faultAt, recoveredAt, detectedMillis, awaitBack(run, node, recoveredAt), health);
	}

	private static void assertOutage(SoftAssertions softly, FaultRun run, String fault, Outage outage)
			throws SQLException {
		assertReplicaFault(softly, run, fault, outage.faultAt(), outage.recoveredAt(), outage.backMillis());
		softly.assertThat(outage.detectedMillis())
			.as("ms until the monitor excluded the replica (bound interval + monitor timeout + 2 x slack)")
			.isLessThanOrEqualTo(EXCLUDED_BOUND.toMillis());
	}

	/**
	 * Once the replica is back and has replayed what was written meanwhile, how long until it serves
	 * reads again: measured from the moment it caught up, since until then it lags and must not.
	 */
	private static long awaitBack(FaultRun run, PostgresNode replica, long recoveredAt) {
		long fromRecovery = run.awaitReadOn(replica, recoveredAt, DEADLINE);
		cluster.awaitReplicasCaughtUp(DEADLINE);
		long caughtUpAt = System.nanoTime();
		long fromCaughtUp = run.awaitReadOn(replica, caughtUpAt, DEADLINE);
		System.out.printf("    %s served reads again %d ms after it came back, %d ms after it had caught up%n",
				replica.name(), fromRecovery, fromCaughtUp);
		return fromCaughtUp;
	}

	private static void assertReplicaFault(SoftAssertions softly, FaultRun run, String fault, long faultAt,
			long recoveredAt, long backMillis) throws SQLException {
		List<FaultLoad.Read> reads = run.load.reads();
		List<FaultLoad.Read> duringFault = inWindow(reads, faultAt, recoveredAt);
		Set<Long> lost = FaultRun.missingOn(primary, run.load.acknowledged());
		report(fault, reads, duringFault, faultAt, recoveredAt, backMillis, run, lost);
		softly.assertThat(duringFault).as("reads during the fault").isNotEmpty();
		assertReads(softly, reads);
		softly.assertThat(backMillis)
			.as("ms from the recovered replica having caught up to the first read it served (bound %d ms = 2 x %d ms + %d ms)",
					BACK_BOUND.toMillis(), MONITOR_INTERVAL.toMillis(), SLACK.toMillis())
			.isLessThanOrEqualTo(BACK_BOUND.toMillis());
		assertHealthUp(softly, run);
		softly.assertThat(lost).as("acknowledged writes missing on the primary").isEmpty();
	}

	private static void assertReads(SoftAssertions softly, List<FaultLoad.Read> reads) {
		List<FaultLoad.Read> failed = reads.stream().filter((read) -> read.failure() != null).toList();
		softly.assertThat(failed.size())
			.as("failed reads (of %d) while the writer was up; first failures: %s", reads.size(),
					failed.stream().limit(3).map((read) -> read.failure() + " after " + read.millis() + " ms").toList())
			.isZero();
		List<FaultLoad.Read> slow = reads.stream().filter((read) -> read.millis() > READ_BOUND.toMillis()).toList();
		long slowest = reads.stream().mapToLong(FaultLoad.Read::millis).max().orElse(0);
		softly.assertThat(slowest)
			.as("slowest read in ms (bound %d ms = max(interval %d ms + monitor timeout %d ms, reader connection-timeout "
					+ "%d ms) + %d ms); %d of %d reads over it: %s", READ_BOUND.toMillis(), MONITOR_INTERVAL.toMillis(),
					MONITOR_TIMEOUT.toMillis(), READER_CONNECTION_TIMEOUT.toMillis(), SLACK.toMillis(), slow.size(),
					reads.size(), describe(slow))
			.isLessThanOrEqualTo(READ_BOUND.toMillis());
		List<FaultLoad.Read> missedTheirWrite = reads.stream()
			.filter((read) -> read.failure() == null && !read.sawItsWrite())
			.toList();
		softly.assertThat(missedTheirWrite.size())
			.as("reads carrying a token that did not see its write (of %d with a token)",
					reads.stream().filter(FaultLoad.Read::withToken).count())
			.isZero();
	}

	private static List<String> describe(List<FaultLoad.Read> reads) {
		return reads.stream()
			.sorted((a, b) -> Long.compare(b.millis(), a.millis()))
			.limit(5)
			.map((read) -> read.millis() + " ms " + ((read.failure() != null) ? "failed"
					: "on " + nodeName(read.port()) + (read.inRecovery() ? "" : " (primary)"))
					+ (read.withToken() ? " with a token" : ""))
			.toList();
	}

	private static String nodeName(int port) {
		return cluster.nodes().stream().filter((node) -> node.port() == port).map(PostgresNode::name).findFirst()
			.orElse("port " + port);
	}

	/**
	 * Wait, with a deadline, until the monitor keeps reads away from a replica for a reason.
	 * @return milliseconds from the fault to the exclusion being seen
	 */
	private static long awaitExcluded(FaultRun run, PostgresNode replica, ExclusionReason reason, long faultAt) {
		await(replica.name() + " excluded (" + reason + ")").atMost(DEADLINE)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> status(run, replica).excluded() && status(run, replica).exclusionReason() == reason);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultAt);
		System.out.printf("    %s excluded (%s) %d ms after the fault began%n", replica.name(), reason.value(), millis);
		return millis;
	}

	private static NodeStatus status(FaultRun run, PostgresNode replica) {
		return status(run.context.getBean(ReplicaMonitor.class), replica.name());
	}

	private static NodeStatus status(ReplicaMonitor monitor, String name) {
		return monitor.statuses().stream().filter((status) -> status.name().equals(name)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readerDetails(Health health, String reader) {
		Map<String, Object> readers = (Map<String, Object>) health.getDetails().get("readers");
		return (Map<String, Object>) readers.get(reader);
	}

	private static List<String> dbHealthComponents(FaultRun run) {
		return dbHealthComponents(run.context.getBean("dbHealthContributor", HealthContributor.class));
	}

	private static List<String> dbHealthComponents(HealthContributor db) {
		return StreamSupport.stream(((CompositeHealthContributor) db).spliterator(), false)
			.map(HealthContributors.Entry::name)
			.toList();
	}

	private static Map<String, Long> consistencyOutcomes(FaultRun run) {
		Map<String, Long> outcomes = new TreeMap<>();
		run.meters.find(RoutingMetrics.CONSISTENCY)
			.counters()
			.forEach((counter) -> outcomes.put(counter.getId().getTag("outcome"), (long) counter.count()));
		return outcomes;
	}

	private static String password() {
		return (cluster.password() != null) ? cluster.password() : "";
	}

	private static int countOf(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

	private static void assertHealthUp(SoftAssertions softly, FaultRun run) {
		List<HealthSampler.Sample> samples = run.health.samples();
		List<HealthSampler.Sample> notUp = samples.stream().filter((sample) -> !sample.up()).toList();
		softly.assertThat(samples).as("health samples").isNotEmpty();
		System.out.printf("    health: %d calls, slowest answer %d ms%n", samples.size(),
				samples.stream().mapToLong(HealthSampler.Sample::millis).max().orElse(0));
		softly.assertThat(notUp.size())
			.as("health endpoint calls not answering UP within %d ms (of %d); first: %s", READ_BOUND.toMillis(),
					samples.size(), notUp.stream().limit(3).map(HealthSampler.Sample::outcome).toList())
			.isZero();
	}

	private static List<FaultLoad.Read> inWindow(List<FaultLoad.Read> reads, long fromNanos, long toNanos) {
		return reads.stream().filter((read) -> read.overlaps(fromNanos, toNanos)).toList();
	}

	private static void report(String fault, List<FaultLoad.Read> reads, List<FaultLoad.Read> window, long faultAt,
			long recoveredAt, long backMillis, FaultRun run, Set<Long> lost) {
		List<HealthSampler.Sample> health = run.health.samples();
		System.out.printf("FAULT %s (%d ms): reads %d, failed %d, slowest %d ms (bound %d ms); during the fault %d reads, "
				+ "%s; back on the replica after %s; health not UP %d of %d%s; writes acknowledged %d, failed %d, "
				+ "lost %d%n", fault, TimeUnit.NANOSECONDS.toMillis(recoveredAt - faultAt), reads.size(),
				reads.stream().filter((read) -> read.failure() != null).count(),
				reads.stream().mapToLong(FaultLoad.Read::millis).max().orElse(0), READ_BOUND.toMillis(), window.size(),
				FaultRun.latencies(window), (backMillis >= 0) ? backMillis + " ms" : "n/a",
				health.stream().filter((sample) -> !sample.up()).count(), health.size(),
				health.stream().filter((sample) -> !sample.up()).findFirst().map((sample) -> " (" + sample.outcome() + ")")
					.orElse(""),
				run.load.acknowledged().size(), run.load.writeFailures().size(), lost.size());
	}

	/**
	 * Borrow every connection of a pool, directly, while the load keeps borrowing and returning them.
	 */
	private static List<Connection> holdAllConnections(HikariDataSource pool) {
		List<Connection> held = new ArrayList<>();
		await("all connections of " + pool.getPoolName() + " held").atMost(DEADLINE).until(() -> {
			try {
				held.add(pool.getConnection());
			}
			catch (SQLException ex) {
				// the load held them all for the borrow timeout: try again
			}
			return held.size() == pool.getMaximumPoolSize();
		});
		return held;
	}

	private static int waitingForTheLock() throws SQLException {
		try (Connection connection = primary.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"select count(*) from pg_locks where relation = 'fault_blocker'::regclass and not granted")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
