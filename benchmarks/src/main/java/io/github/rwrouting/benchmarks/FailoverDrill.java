package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.WriterPoolEvictor;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A failover drill against a real primary with a synchronous standby and an asynchronous one: under
 * a load of concurrent writes ({@code @FailoverRetry} transactions) and reads, the primary is killed
 * (SIGKILL) or frozen (SIGSTOP) and the synchronous standby promoted. The writer URL is a pgjdbc
 * multi-host URL ({@code targetServerType=primary}); readers are the standbys. With
 * {@code --database mariadb}: a MariaDB primary, {@code replica1} semi-synchronous ({@code AFTER_SYNC}) and
 * {@code replica2} asynchronous, the writer URL {@code jdbc:mariadb:sequential://primary,replica1/...}.
 * <p>
 * Prints: write unavailability (failure to the first write acknowledged after it), read errors,
 * acknowledged writes lost, duplicate writes, writes that failed for good, and how the pools recovered.
 * Runs both drills in about a minute: {@code java -cp benchmarks.jar io.github.rwrouting.benchmarks.FailoverDrill
 * [--database postgresql|mariadb]}.
 */
public final class FailoverDrill {

	private static final int WRITERS = 4;

	private static final int READERS = 4;

	private static final Duration BEFORE = Duration.ofSeconds(3);

	private static final Duration AFTER = Duration.ofSeconds(8);

	// driver timeouts, in seconds: what bounds the time a frozen node can hold a connection.
	private static final int SOCKET_TIMEOUT_SECONDS = 2;

	private static final int CONNECT_TIMEOUT_SECONDS = 2;

	private FailoverDrill() {
	}

	public static void main(String[] args) throws Exception {
		String database = BenchmarkCluster.databaseOption(args);
		System.out.printf("Failover drill on %s: %d writer threads (@FailoverRetry), %d reader threads, primary + "
				+ "synchronous standby (promoted) + asynchronous standby; writer URL multi-host (PostgreSQL "
				+ "targetServerType=primary, MariaDB sequential); driver socket and connect timeouts %ds and %ds, "
				+ "Hikari validation-timeout=1s; %d cores%n%n", database, WRITERS, READERS, SOCKET_TIMEOUT_SECONDS,
				CONNECT_TIMEOUT_SECONDS, Runtime.getRuntime().availableProcessors());
		List<Result> results = new ArrayList<>();
		results.add(run(database, "kill -9 primary, promote sync standby", (cluster) -> {
			cluster.primaryNode().kill();
			cluster.replicaNode(1).promote();
		}));
		results.add(run(database, "SIGSTOP primary, promote sync standby", (cluster) -> {
			cluster.primaryNode().freeze();
			cluster.replicaNode(1).promote();
		}));
		System.out.printf("%n%-38s %14s %13s %10s %11s %12s %10s %6s %9s %9s %9s%n", "drill", "unavailable ms",
				"longest write", "writes ok", "writes fail", "outcome unk.", "lost acks", "dupes", "reads ok",
				"read err", "evictions");
		for (Result result : results) {
			System.out.printf(Locale.ROOT, "%-38s %14d %13d %10d %11d %12d %10d %6d %9d %9d %9d%n", result.name,
					result.unavailableMillis, result.longestWriteMillis, result.writesAcknowledged,
					result.writesFailed, result.writesUnknown, result.lost, result.duplicates, result.readsOk,
					result.readErrors, result.evictions);
		}
		System.out.println();
		System.out.println("  unavailable ms  from the kill/freeze to the first write acknowledged by the promoted node");
		System.out.println("  longest write   the longest single write call (with its retries), in ms");
		System.out.println("  writes fail     writes that failed for good (retries exhausted or not retryable)");
		System.out.println("  outcome unk.    connection lost during COMMIT (08007): not retried, may or may not have committed");
		System.out.println("  lost acks       acknowledged writes missing on the promoted node afterwards");
		System.out.println("  dupes           (writer, seq) pairs stored more than once");
		System.out.println("  read err        read-only transactions that failed");
		System.out.println("  evictions       writer pool retirements (only a demoted node that stays up causes them)");
	}

	private static Result run(String database, String name, Consumer<BenchmarkCluster> failover) throws Exception {
		try (BenchmarkCluster cluster = BenchmarkCluster.start(database, 2, true, 100)) {
			try (Connection connection = cluster.connectPrimary(); Statement statement = connection.createStatement()) {
				statement.execute("create table drill (" + cluster.idColumn() + ", writer int not null, seq int not null)");
			}
			cluster.awaitReplicaCaughtUp(Duration.ofSeconds(30));
			System.out.println(cluster.describe());
			try (ConfigurableApplicationContext context = Drills.start(DrillApplication.class,
					"spring.datasource.url=" + cluster.failoverWriterUrl(SOCKET_TIMEOUT_SECONDS),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"spring.datasource.hikari.maximum-pool-size=" + (WRITERS + 2),
					"spring.datasource.hikari.connection-timeout=3000", "spring.datasource.hikari.validation-timeout=1000",
					"rw-routing.readers.replica1.url=" + cluster.readerUrl(1, SOCKET_TIMEOUT_SECONDS),
					"rw-routing.readers.replica2.url=" + cluster.readerUrl(2, SOCKET_TIMEOUT_SECONDS),
					"rw-routing.monitor.interval=200ms", "rw-routing.consistency.mode=none",
					"rw-routing.failover.retry.max-retries=20", "rw-routing.failover.retry.delay=100ms",
					"rw-routing.failover.retry.max-delay=1s", "logging.level.root=ERROR",
					"drill.server-port-query=select " + cluster.serverPortExpression())) {
				return drill(name, cluster, context, failover);
			}
			finally {
				if (cluster.primaryNode().isFrozen()) {
					cluster.primaryNode().thaw();
				}
			}
		}
	}

	private static Result drill(String name, BenchmarkCluster cluster, ConfigurableApplicationContext context,
			Consumer<BenchmarkCluster> failover) throws Exception {
		Writes writes = context.getBean(Writes.class);
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
		AtomicLong failedWrites = new AtomicLong();
		AtomicLong readsOk = new AtomicLong();
		AtomicLong readErrors = new AtomicLong();
		AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
		AtomicLong firstWriteOnPromoted = new AtomicLong(Long.MAX_VALUE);
		AtomicLong longestWriteNanos = new AtomicLong();
		AtomicLong unknownOutcome = new AtomicLong();
		Map<String, Long> failures = new ConcurrentHashMap<>();
		int promotedPort = cluster.replicaPort(1);
		long stopAt = System.nanoTime() + BEFORE.plus(AFTER).toNanos() + TimeUnit.SECONDS.toNanos(20);
		ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
		List<Future<?>> clients = new ArrayList<>();
		AtomicLong stop = new AtomicLong(Long.MAX_VALUE);
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			clients.add(pool.submit(() -> {
				for (int seq = 0; System.nanoTime() < stop.get() && System.nanoTime() < stopAt; seq++) {
					long started = System.nanoTime();
					try {
						int port = writes.insert(writer, seq);
						long acknowledgedAt = System.nanoTime();
						acknowledged.put(((long) writer << 32) | seq, Boolean.TRUE);
						if (port == promotedPort) {
							firstWriteOnPromoted.accumulateAndGet(acknowledgedAt, Math::min);
						}
					}
					catch (RuntimeException ex) {
						if (FailoverExceptions.isCommitOutcomeUnknown(ex)) {
							unknownOutcome.incrementAndGet();
						}
						else {
							failedWrites.incrementAndGet();
							failures.merge(describe(ex), 1L, Long::sum);
						}
					}
					finally {
						longestWriteNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
					}
				}
			}));
		}
		for (int r = 0; r < READERS; r++) {
			clients.add(pool.submit(() -> {
				while (System.nanoTime() < stop.get() && System.nanoTime() < stopAt) {
					try {
						readOnly.execute((status) -> jdbc.queryForObject("select count(*) from drill", Long.class));
						readsOk.incrementAndGet();
					}
					catch (RuntimeException ex) {
						readErrors.incrementAndGet();
					}
				}
			}));
		}
		Drills.awaitNanos(BEFORE.toNanos());
		failedAt.set(System.nanoTime());
		failover.accept(cluster);
		long promotedAt = System.nanoTime();
		Drills.awaitNanos(AFTER.toNanos());
		stop.set(System.nanoTime());
		for (Future<?> client : clients) {
			client.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		Result result = new Result();
		result.name = name;
		result.writesAcknowledged = acknowledged.size();
		result.writesFailed = failedWrites.get();
		result.readsOk = readsOk.get();
		result.readErrors = readErrors.get();
		result.unavailableMillis = (firstWriteOnPromoted.get() == Long.MAX_VALUE) ? -1
				: TimeUnit.NANOSECONDS.toMillis(firstWriteOnPromoted.get() - failedAt.get());
		result.longestWriteMillis = TimeUnit.NANOSECONDS.toMillis(longestWriteNanos.get());
		result.writesUnknown = unknownOutcome.get();
		result.evictions = context.getBean(WriterPoolEvictor.class).evictions();
		System.out.printf("%s: failover (kill/freeze + promote) took %d ms%n", name,
				TimeUnit.NANOSECONDS.toMillis(promotedAt - failedAt.get()));
		countOnNewPrimary(cluster, acknowledged, result);
		failures.forEach((failure, count) -> System.out.printf("  %d writes failed for good with %s%n", count, failure));
		return result;
	}

	// what a failed write reports: the SQL exception's state, vendor code and message (without the node's details)
	private static String describe(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				// without the connection's number (MariaDB's "(conn=48) "), so that the same failure counts once
				String message = String.valueOf(sql.getMessage()).replaceFirst("^\\(conn=\\d+\\) ", "");
				return "SQLSTATE " + sql.getSQLState() + ", code " + sql.getErrorCode() + ", " + sql.getClass().getSimpleName()
						+ ": " + message.substring(0, Math.min(120, message.length()));
			}
		}
		return ex.getClass().getName();
	}

	private static void countOnNewPrimary(BenchmarkCluster cluster, Map<Long, Boolean> acknowledged, Result result)
			throws SQLException {
		Map<Long, Integer> rows = new ConcurrentHashMap<>();
		try (Connection connection = cluster.connectReplica(1);
				ResultSet rs = connection.createStatement().executeQuery("select writer, seq, count(*) from drill group by 1, 2")) {
			while (rs.next()) {
				rows.put(((long) rs.getInt(1) << 32) | rs.getInt(2), rs.getInt(3));
			}
		}
		result.duplicates = rows.values().stream().filter((count) -> count > 1).count();
		result.lost = acknowledged.keySet().stream().filter((key) -> !rows.containsKey(key)).count();
	}

	static final class Result {

		String name;

		long unavailableMillis;

		long writesAcknowledged;

		long writesFailed;

		long writesUnknown;

		long longestWriteMillis;

		long lost;

		long duplicates;

		long readsOk;

		long readErrors;

		long evictions;

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableTransactionManagement
	static class DrillApplication {

		@Bean
		Writes writes(JdbcTemplate jdbc, @Value("${drill.server-port-query}") String serverPortQuery) {
			return new Writes(jdbc, serverPortQuery);
		}

	}

	static class Writes {

		private final JdbcTemplate jdbc;

		private final String serverPortQuery;

		Writes(JdbcTemplate jdbc, String serverPortQuery) {
			this.jdbc = jdbc;
			this.serverPortQuery = serverPortQuery;
		}

		@FailoverRetry
		@Transactional
		public int insert(int writer, int seq) {
			this.jdbc.update("insert into drill (writer, seq) values (?, ?)", writer, seq);
			return this.jdbc.queryForObject(this.serverPortQuery, Integer.class);
		}

	}

}
