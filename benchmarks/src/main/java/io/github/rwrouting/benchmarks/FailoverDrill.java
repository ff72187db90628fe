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

import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
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
 * multi-host URL ({@code targetServerType=primary}); readers are the standbys.
 * <p>
 * Prints: write unavailability (failure to the first write acknowledged after it), read errors,
 * acknowledged writes lost, duplicate writes, writes that failed for good, and how the pools recovered.
 * Runs both drills in about a minute: {@code java -cp benchmarks.jar io.github.rwrouting.benchmarks.FailoverDrill}.
 */
public final class FailoverDrill {

	private static final int WRITERS = 4;

	private static final int READERS = 4;

	private static final Duration BEFORE = Duration.ofSeconds(3);

	private static final Duration AFTER = Duration.ofSeconds(8);

	// pgjdbc timeouts, in seconds: what bounds the time a frozen node can hold a connection.
	private static final int SOCKET_TIMEOUT_SECONDS = 2;

	private static final int CONNECT_TIMEOUT_SECONDS = 2;

	private FailoverDrill() {
	}

	public static void main(String[] args) throws Exception {
		System.out.printf("Failover drill: %d writer threads (@FailoverRetry), %d reader threads, primary + synchronous "
				+ "standby (promoted) + asynchronous standby; writer URL multi-host targetServerType=primary; "
				+ "pgjdbc socketTimeout=%ds connectTimeout=%ds; %d cores%n%n", WRITERS, READERS, SOCKET_TIMEOUT_SECONDS,
				CONNECT_TIMEOUT_SECONDS, Runtime.getRuntime().availableProcessors());
		List<Result> results = new ArrayList<>();
		results.add(run("kill -9 primary, promote sync standby", (cluster) -> {
			cluster.primary().kill();
			cluster.replica(1).promote();
		}));
		results.add(run("SIGSTOP primary, promote sync standby", (cluster) -> {
			cluster.primary().freeze();
			cluster.replica(1).promote();
		}));
		System.out.printf("%n%-40s %14s %12s %12s %10s %10s %12s %9s %9s%n", "drill", "unavailable ms", "writes ok",
				"writes fail", "lost acks", "dupes", "reads ok", "read err", "evictions");
		for (Result result : results) {
			System.out.printf(Locale.ROOT, "%-40s %14d %12d %12d %10d %10d %12d %9d %9d%n", result.name,
					result.unavailableMillis, result.writesAcknowledged, result.writesFailed, result.lost,
					result.duplicates, result.readsOk, result.readErrors, result.evictions);
		}
	}

	private static Result run(String name, Consumer<PostgresCluster> failover) throws Exception {
		try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).synchronousStandby(true).start()) {
			try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
				statement.execute("create table drill (id bigserial primary key, writer int not null, seq int not null)");
			}
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
			PostgresNode primary = cluster.primary();
			PostgresNode promoted = cluster.replica(1);
			String writerUrl = "jdbc:postgresql://" + PostgresNode.HOST + ":" + primary.port() + "," + PostgresNode.HOST
					+ ":" + promoted.port() + "/" + cluster.database() + "?targetServerType=primary&socketTimeout="
					+ SOCKET_TIMEOUT_SECONDS + "&connectTimeout=" + CONNECT_TIMEOUT_SECONDS + "&loginTimeout="
					+ CONNECT_TIMEOUT_SECONDS;
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DrillApplication.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("spring.datasource.url=" + writerUrl, "spring.datasource.username=" + cluster.username(),
						"spring.datasource.hikari.maximum-pool-size=" + (WRITERS + 2),
						"spring.datasource.hikari.connection-timeout=3000",
						"rw-routing.readers.replica1.url=" + promoted.jdbcUrl() + "?socketTimeout=" + SOCKET_TIMEOUT_SECONDS,
						"rw-routing.readers.replica2.url=" + cluster.replica(2).jdbcUrl() + "?socketTimeout="
								+ SOCKET_TIMEOUT_SECONDS,
						"rw-routing.monitor.interval=200ms", "rw-routing.consistency.mode=none",
						"rw-routing.failover.retry.max-retries=20", "rw-routing.failover.retry.delay=100ms",
						"rw-routing.failover.retry.max-delay=1s", "logging.level.root=ERROR")
				.run()) {
				return drill(name, cluster, context, failover);
			}
			finally {
				if (primary.isFrozen()) {
					primary.thaw();
				}
			}
		}
	}

	private static Result drill(String name, PostgresCluster cluster, ConfigurableApplicationContext context,
			Consumer<PostgresCluster> failover) throws Exception {
		Writes writes = context.getBean(Writes.class);
		TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
		AtomicLong failedWrites = new AtomicLong();
		AtomicLong readsOk = new AtomicLong();
		AtomicLong readErrors = new AtomicLong();
		AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
		AtomicLong firstWriteAfter = new AtomicLong(Long.MAX_VALUE);
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
						writes.insert(writer, seq);
						acknowledged.put(((long) writer << 32) | seq, Boolean.TRUE);
						if (started >= failedAt.get()) {
							firstWriteAfter.accumulateAndGet(System.nanoTime(), Math::min);
						}
					}
					catch (RuntimeException ex) {
						failedWrites.incrementAndGet();
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
		awaitNanos(BEFORE.toNanos());
		failedAt.set(System.nanoTime());
		failover.accept(cluster);
		long promotedAt = System.nanoTime();
		awaitNanos(AFTER.toNanos());
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
		result.unavailableMillis = (firstWriteAfter.get() == Long.MAX_VALUE) ? -1
				: TimeUnit.NANOSECONDS.toMillis(firstWriteAfter.get() - failedAt.get());
		result.evictions = context.getBean(WriterPoolEvictor.class).evictions();
		System.out.printf("%s: failover (kill/freeze + promote) took %d ms%n", name,
				TimeUnit.NANOSECONDS.toMillis(promotedAt - failedAt.get()));
		countOnNewPrimary(cluster.replica(1), acknowledged, result);
		return result;
	}

	private static void countOnNewPrimary(PostgresNode node, Map<Long, Boolean> acknowledged, Result result)
			throws SQLException {
		Map<Long, Integer> rows = new ConcurrentHashMap<>();
		try (Connection connection = node.connect();
				ResultSet rs = connection.createStatement().executeQuery("select writer, seq, count(*) from drill group by 1, 2")) {
			while (rs.next()) {
				rows.put(((long) rs.getInt(1) << 32) | rs.getInt(2), rs.getInt(3));
			}
		}
		result.duplicates = rows.values().stream().filter((count) -> count > 1).count();
		result.lost = acknowledged.keySet().stream().filter((key) -> !rows.containsKey(key)).count();
	}

	// The drill's own pacing between phases: a load runs meanwhile, nothing waits on it.
	private static void awaitNanos(long nanos) {
		long end = System.nanoTime() + nanos;
		long remaining;
		while ((remaining = end - System.nanoTime()) > 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(remaining);
		}
	}

	static final class Result {

		String name;

		long unavailableMillis;

		long writesAcknowledged;

		long writesFailed;

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
		Writes writes(JdbcTemplate jdbc) {
			return new Writes(jdbc);
		}

	}

	static class Writes {

		private final JdbcTemplate jdbc;

		Writes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@FailoverRetry
		@Transactional
		public void insert(int writer, int seq) {
			this.jdbc.update("insert into drill (writer, seq) values (?, ?)", writer, seq);
		}

	}

}
