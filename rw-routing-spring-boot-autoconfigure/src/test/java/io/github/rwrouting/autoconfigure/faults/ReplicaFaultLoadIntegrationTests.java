package io.github.rwrouting.autoconfigure.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.Sql;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.awaitility.Awaitility.await;

/**
 * "A replica can never hurt the application", measured: a real primary with two streaming
 * replicas, the routing auto-configured in a Spring Boot application
 * ({@code DataSourceTransactionManager}, {@code JdbcClient}, Actuator health), concurrent read-only
 * transactions (half of them carrying the consistency token of the newest acknowledged write) and
 * writes, while a replica is frozen (SIGSTOP), killed and restarted, its pool saturated, promoted,
 * and while the writer pool is full.
 * <p>
 * While the writer is up, every fault must leave: no failed read; every read within
 * {@link #READ_BOUND}, derived from the configured timeouts below; no acknowledged write missing on
 * the primary; no read served by a promoted replica once the monitor could have seen it; Boot's
 * health endpoint UP (and answering) throughout a replica failure; reads back on a recovered
 * replica within {@link #BACK_BOUND}.
 */
@ReplicatedPostgres(replicas = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaFaultLoadIntegrationTests {

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
	 * How long after a promotion reads may still reach the promoted node: until the monitor's next
	 * poll has seen it (interval + timeout). 200 ms + 1000 ms + 1000 ms = 2200 ms.
	 */
	static final Duration PROMOTION_SEEN_BOUND = MONITOR_INTERVAL.plus(MONITOR_TIMEOUT).plus(SLACK);

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
	void aFrozenReplicaNeitherFailsNorDelaysReads() throws Exception {
		PostgresNode frozen = cluster.replica(1);
		try (FaultRun run = start()) {
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			frozen.freeze();
			try {
				run.load.runFor(FAULT);
			}
			finally {
				frozen.thaw();
			}
			long recoveredAt = System.nanoTime();
			long backMillis = awaitBack(run, frozen, recoveredAt);
			run.stop(DEADLINE);
			SoftAssertions softly = new SoftAssertions();
			assertReplicaFault(softly, run, "frozen replica1", faultAt, recoveredAt, backMillis);
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
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			killed.kill();
			try {
				run.load.runFor(FAULT);
			}
			finally {
				killed.start();
			}
			long recoveredAt = System.nanoTime();
			long backMillis = awaitBack(run, killed, recoveredAt);
			run.stop(DEADLINE);
			SoftAssertions softly = new SoftAssertions();
			assertReplicaFault(softly, run, "killed and restarted replica2", faultAt, recoveredAt, backMillis);
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
			try {
				run.load.runFor(FAULT);
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
			softly.assertAll();
		}
	}

	@Test
	@Order(5)
	void aPromotedReplicaServesNoRead() throws Exception {
		PostgresNode promoted = cluster.replica(2);
		try (FaultRun run = start()) {
			run.load.runFor(WARM_UP);
			long faultAt = System.nanoTime();
			promoted.promote();
			long promotedAt = System.nanoTime();
			run.load.runFor(FAULT);
			long endAt = System.nanoTime();
			run.stop(DEADLINE);
			List<FaultLoad.Read> reads = run.load.reads();
			Predicate<FaultLoad.Read> onPromoted = (read) -> read.failure() == null && read.port() == promoted.port()
					&& !read.inRecovery();
			List<FaultLoad.Read> servedByPromoted = reads.stream().filter(onPromoted).toList();
			long seenBy = promotedAt + PROMOTION_SEEN_BOUND.toNanos();
			List<FaultLoad.Read> servedOnceSeen = servedByPromoted.stream()
				.filter((read) -> read.startNanos() >= seenBy)
				.toList();
			Set<Long> lost = FaultRun.missingOn(primary, run.load.acknowledged());
			report("promoted replica2 (writer stays on the old primary)", reads, inWindow(reads, faultAt, endAt), faultAt,
					endAt, -1, run, lost);
			System.out.printf("    reads served by the promoted node: %d in all, %d began %d ms or more after the "
					+ "promotion%n", servedByPromoted.size(), servedOnceSeen.size(), PROMOTION_SEEN_BOUND.toMillis());
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(servedOnceSeen.size())
				.as("reads served by the promoted (diverged) replica2 that began %d ms or more after its promotion "
						+ "(%d such reads in all)", PROMOTION_SEEN_BOUND.toMillis(), servedByPromoted.size())
				.isZero();
			assertReads(softly, reads);
			assertHealthUp(softly, run);
			softly.assertThat(lost).as("acknowledged writes missing on the primary").isEmpty();
			softly.assertAll();
		}
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

	private static void assertHealthUp(SoftAssertions softly, FaultRun run) {
		List<HealthSampler.Sample> samples = run.health.samples();
		List<HealthSampler.Sample> notUp = samples.stream().filter((sample) -> !sample.up()).toList();
		softly.assertThat(samples).as("health samples").isNotEmpty();
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
