package io.github.rwrouting.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.rwrouting.autoconfigure.RwRoutingProperties;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Read-after-write under real replica lag: the same clients, lag schedule and cluster for each
 * consistency mode in turn, through the routing as auto-configured in a Spring Boot application.
 * Prints per mode how many reads missed their own write, how many a replica served, how many a
 * replica could have served at best, read latency and what the routing metrics counted.
 * <p>
 * Runs about two minutes with the defaults; {@code --help} lists the options.
 */
public final class ConsistencyLoadDriver {


	private static final String READER_NAME = "replica1";

	private static final String MONITOR_INTERVAL = "100ms";

	private static final String SIGNING_KEY = "consistency-load-driver-signing-key";

	private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

	// A client that does not stop within this after its mode ended is stuck: the driver failed.
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final LoadOptions options;

	private final List<LagInjector.Step> schedule;

	private ConsistencyLoadDriver(LoadOptions options) {
		this.options = options;
		this.schedule = LagInjector.schedule(options.seed(),
				Duration.ofSeconds(options.warmupSeconds() + options.seconds()));
	}

	public static void main(String[] args) {
		LoadOptions options;
		try {
			options = LoadOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println(LoadOptions.USAGE);
			System.exit(2);
			return;
		}
		if (options.help()) {
			System.out.println(LoadOptions.USAGE);
			return;
		}
		int status = 0;
		try {
			new ConsistencyLoadDriver(options).run();
		}
		catch (Throwable ex) {
			System.out.flush();
			System.err.println("The load driver failed:");
			ex.printStackTrace();
			status = 1;
		}
		// Everything is closed by now; exit explicitly so that a stray non-daemon thread cannot keep
		// a finished run alive.
		System.exit(status);
	}

	private void run() throws Exception {
		// Per node: its pool, one probe connection per client, the monitor's and the lag injector's.
		int maxConnections = Math.max(100, poolSize() + this.options.clients() + 20);
		try (BenchmarkCluster cluster = BenchmarkCluster.start(this.options.database(), maxConnections)) {
			createTable(cluster);
			printSettings(cluster);
			List<ModeResult> results = new ArrayList<>();
			for (ConsistencyMode mode : this.options.modes()) {
				resetReplica(cluster);
				results.add(runMode(cluster, mode));
			}
			printResults(results);
		}
	}

	private long pairIntervalNanos() {
		return (this.options.rate() > 0) ? TimeUnit.SECONDS.toNanos(this.options.clients()) / this.options.rate() : 0;
	}

	private int poolSize() {
		// One connection per client is enough (a read that falls back returns the reader connection
		// before it borrows from the writer); the rest is slack.
		return this.options.clients() + 2;
	}

	private static void createTable(BenchmarkCluster cluster) throws SQLException {
		try (Connection connection = cluster.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("create table events (" + cluster.idColumn() + ", client int not null, "
					+ "seq int not null, payload text not null)");
			statement.execute("create unique index events_client_seq on events (client, seq)");
		}
	}

	/**
	 * Every mode starts from the same state: no apply delay, an empty table, a replica caught up.
	 */
	private static void resetReplica(BenchmarkCluster cluster) throws SQLException {
		cluster.setLag(Duration.ZERO);
		try (Connection connection = cluster.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("truncate events");
		}
		cluster.awaitReplicaCaughtUp(CATCH_UP_TIMEOUT);
	}

	private ModeResult runMode(BenchmarkCluster cluster, ConsistencyMode mode) throws Exception {
		String modeName = modeName(mode);
		System.out.printf("%s: warm-up %d s, then %d s measured ...%n", modeName, this.options.warmupSeconds(),
				this.options.seconds());
		try (ConfigurableApplicationContext context = startApplication(cluster, modeName)) {
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate writes = new TransactionTemplate(transactionManager);
			TransactionTemplate reads = new TransactionTemplate(transactionManager);
			reads.setReadOnly(true);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);

			LoadClient.Window window = new LoadClient.Window(this.options.clients());
			List<LoadClient> clients = new ArrayList<>();
			List<Thread> threads = new ArrayList<>();
			for (int id = 1; id <= this.options.clients(); id++) {
				LoadClient client = new LoadClient(id, window, writes, reads, jdbc, consistency,
						cluster, this.options.probe(), pairIntervalNanos(),
						pairIntervalNanos() * (id - 1) / this.options.clients(),
						TimeUnit.MILLISECONDS.toNanos(this.options.readDelayMillis()), this.options.seed() * 1_000 + id);
				clients.add(client);
				threads.add(new Thread(client, "client-" + id));
			}
			LagInjector lag = new LagInjector(cluster, this.schedule);
			Thread lagThread = new Thread(lag, "lag-injector");
			MeterRegistry registry = new SimpleMeterRegistry();
			long measuredNanos = 0;
			try {
				lagThread.start();
				threads.forEach(Thread::start);
				if (window.runFor(Duration.ofSeconds(this.options.warmupSeconds())) && window.endWarmup(STOP_TIMEOUT)) {
					// Bound while every client is paused: the meters count exactly the measured reads.
					context.getBean(RoutingMetrics.class).bindTo(registry);
					long measureStart = System.nanoTime();
					window.startMeasuring();
					window.runFor(Duration.ofSeconds(this.options.seconds()));
					measuredNanos = System.nanoTime() - measureStart;
				}
			}
			finally {
				window.stop();
				lag.stop();
				join(threads);
				join(List.of(lagThread));
			}
			for (LoadClient client : clients) {
				if (client.failure() != null) {
					throw new IllegalStateException("A client failed in mode " + modeName, client.failure());
				}
			}
			if (lag.failure() != null) {
				throw new IllegalStateException("The lag injector failed in mode " + modeName, lag.failure());
			}
			ReadStats stats = ReadStats.merge(clients.stream().map(LoadClient::stats).toList());
			return new ModeResult(modeName, stats, measuredNanos, registry, lag.applied(), lag.meanChangeMillis(),
					lag.slowestChangeMillis());
		}
	}

	private static void join(List<Thread> threads) throws InterruptedException {
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		for (Thread thread : threads) {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			if (thread.isAlive()) {
				throw new IllegalStateException(thread.getName() + " did not stop within " + STOP_TIMEOUT);
			}
		}
	}

	private ConfigurableApplicationContext startApplication(BenchmarkCluster cluster, String mode) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", cluster.writerUrl());
		properties.put("spring.datasource.username", cluster.username());
		properties.put("spring.datasource.password", cluster.password());
		// Reader pools take the writer's Hikari settings.
		properties.put("spring.datasource.hikari.maximum-pool-size", poolSize());
		properties.put("rw-routing.readers." + READER_NAME + ".url", cluster.readerUrl());
		properties.put("rw-routing.consistency.mode", mode);
		if (this.options.maxWaitMillis() >= 0) {
			properties.put("rw-routing.consistency.max-wait", this.options.maxWaitMillis() + "ms");
		}
		properties.put("rw-routing.consistency.signing-key", SIGNING_KEY);
		properties.put("rw-routing.monitor.interval", MONITOR_INTERVAL);
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
	}

	private static String modeName(ConsistencyMode mode) {
		return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private void printSettings(BenchmarkCluster cluster) throws SQLException {
		RwRoutingProperties defaults = new RwRoutingProperties();
		Runtime runtime = Runtime.getRuntime();
		System.out.println("rw-routing consistency load driver");
		System.out.printf("  machine   %d CPUs (%s), %s RAM, %s %s %s, Java %s (%s)%n", runtime.availableProcessors(),
				cpuModel(), totalMemory(), System.getProperty("os.name"), System.getProperty("os.version"),
				System.getProperty("os.arch"), Runtime.version(), System.getProperty("java.vm.name"));
		System.out.printf("  cluster   %s%n", cluster.describe());
		System.out.printf("  routing   monitor.interval=%s, max-lag=%s (rejoins at half), consistency.max-wait=%s, "
				+ "time-window=%s, Hikari pools writer=%d reader=%d%n", MONITOR_INTERVAL,
				millis(defaults.getMaxLag()), (this.options.maxWaitMillis() >= 0) ? this.options.maxWaitMillis() + "ms"
						: millis(defaults.getConsistency().getMaxWait()),
				millis(defaults.getConsistency().getTimeWindow()), poolSize(), poolSize());
		System.out.printf("  load      %d clients; each: insert a row (read-write tx), then %s select it "
				+ "(read-only tx), %s; %d s warm-up + %d s measured per mode; modes in this order: %s%n",
				this.options.clients(),
				(this.options.readDelayMillis() > 0) ? "0-" + this.options.readDelayMillis() + " ms later (uniform)"
						: "at once",
				(this.options.rate() > 0)
						? "paced to " + this.options.rate() + " pairs/s in all (a pair every "
								+ TimeUnit.NANOSECONDS.toMillis(pairIntervalNanos()) + " ms per client)"
						: "unpaced (the next pair as soon as the last ended)",
				this.options.warmupSeconds(), this.options.seconds(),
				this.options.modes().stream().map(ConsistencyLoadDriver::modeName).collect(Collectors.joining(", ")));
		System.out.printf("  probe     %s%n", this.options.probe()
				? "on: before each read, the primary's position (" + cluster.writePosition() + ", taken right after "
						+ "the write) vs the replica's (" + cluster.replayCheck() + "), on plain connections outside "
						+ "the routing"
				: "off (--no-probe): best possible share only from mode none");
		System.out.printf("  lag       %s, seed %d, restarted at each mode's "
				+ "warm-up: every %d-%d s a new delay of 0-%d ms, %d%% spikes of %d-%d ms%n", cluster.lagMethod(),
				this.options.seed(),
				LagInjector.MIN_HOLD_MILLIS / 1000, LagInjector.MAX_HOLD_MILLIS / 1000, LagInjector.MAX_DELAY_MILLIS,
				LagInjector.SPIKE_PERCENT, LagInjector.MIN_SPIKE_MILLIS, LagInjector.MAX_SPIKE_MILLIS);
		printSchedule();
		System.out.println();
	}

	private void printSchedule() {
		StringBuilder line = new StringBuilder("            ");
		for (LagInjector.Step step : this.schedule) {
			String entry = String.format("%.1fs:%d%s  ", step.atMillis() / 1000.0, step.delayMillis(),
					step.spike() ? "ms(spike)" : "ms");
			if (line.length() + entry.length() > 120) {
				System.out.println(line.toString().stripTrailing());
				line = new StringBuilder("            ");
			}
			line.append(entry);
		}
		System.out.println(line.toString().stripTrailing());
	}

	private void printResults(List<ModeResult> results) {
		System.out.println();
		String format = "%-16s %7s %6s %8s %9s %9s %7s %7s %16s %8s %8s %9s %9s%n";
		System.out.printf(format, "mode", "reads", "stale", "replica", "best lsn", "best row", "p50 ms", "p99 ms",
				"waits ok/timeout", "fallback", "lag-away", "w p50 ms", "w p99 ms");
		for (ModeResult result : results) {
			ReadStats stats = result.stats();
			System.out.printf(format, result.mode(), stats.reads(), stats.stale(),
					percent(stats.onReplica(), stats.reads()),
					stats.probed() ? percent(stats.replayedBefore(), stats.reads()) : "-",
					stats.probed() ? percent(stats.visibleBefore(), stats.reads()) : "-",
					String.format("%.2f", stats.percentileMillis(50)), String.format("%.2f", stats.percentileMillis(99)),
					result.waitsCaughtUp() + "/" + result.waitsTimedOut(), result.fallbacks(), result.lagAway(),
					String.format("%.2f", stats.writePercentileMillis(50)),
					String.format("%.2f", stats.writePercentileMillis(99)));
		}
		System.out.println();
		System.out.println("  stale     reads that did not find the row their client had just committed");
		System.out.println("  replica   reads served by the replica (pg_is_in_recovery() or @@read_only in the read)");
		System.out.println("  best lsn  best possible share: reads whose replica had replayed the write right before the "
				+ "read, i.e. replica pg_last_wal_replay_lsn() >= primary pg_current_wal_flush_lsn() (MariaDB: replica "
				+ "gtid_slave_pos reaches primary gtid_binlog_pos) taken right after the commit (the bound the library "
				+ "itself uses)");
		System.out.println("  best row  the same moment, checked directly: the written row was already visible on the "
				+ "replica");
		System.out.println("  p50/p99   latency of the read-only transaction alone, including any wait for the replica");
		System.out.println("  waits     rw.routing.consistency.wait count, result caught-up / timed-out");
		System.out.println("  fallback  rw.routing.consistency outcome writer-fallback + writer-time-window");
		System.out.println("  lag-away  rw.routing.routes target=writer reason=lag (replica excluded: lag > max-lag)");
		System.out.println("  w p50/p99 latency of the read-write transaction before each read (with the commit-position "
				+ "capture in read-your-writes)");
		System.out.println();
		for (ModeResult result : results) {
			printDetails(result);
		}
		results.stream().filter((r) -> r.mode().equals("none")).findFirst().ifPresent((none) -> System.out.printf(
				"best possible share, second definition: reads in mode none that the replica served and "
						+ "that found their row = %s of all reads (%d of %d)%n",
				percent(none.stats().freshOnReplica(), none.stats().reads()), none.stats().freshOnReplica(),
				none.stats().reads()));
		for (ModeResult result : results) {
			if (!result.mode().equals("none") && result.stats().stale() > 0) {
				System.out.printf("%nWARNING: %d stale reads in mode %s: read-after-write was broken.%n",
						result.stats().stale(), result.mode());
			}
		}
	}

	private static void printDetails(ModeResult result) {
		ReadStats stats = result.stats();
		double seconds = result.measuredNanos() / 1e9;
		System.out.printf("%s: %.0f reads/s over %.1f s; %d lag changes, each in effect after %d ms on average, "
				+ "%d ms at most%n", result.mode(), stats.reads() / seconds, seconds, result.lagChanges(),
				result.meanLagChangeMillis(), result.slowestLagChangeMillis());
		System.out.printf("  stale reads served by the replica %d, by the writer %d%n", stats.staleOnReplica(),
				stats.stale() - stats.staleOnReplica());
		if (stats.probed()) {
			System.out.printf("  replica share %s vs best lsn %s: %+.1f points; the writer served %d reads (%s) whose "
					+ "replica had replayed the write right before%n", percent(stats.onReplica(), stats.reads()),
					percent(stats.replayedBefore(), stats.reads()),
					100.0 * (stats.onReplica() - stats.replayedBefore()) / Math.max(1, stats.reads()),
					stats.replayedOnWriter(), percent(stats.replayedOnWriter(), stats.reads()));
		}
		System.out.printf("  routes: %s%n", result.routes());
		System.out.printf("  consistency: %s%n", result.outcomes());
		if (!result.mode().equals("none")) {
			// Expected in mode none; anywhere else a stale read is a bug, and these say what happened.
			for (String example : stats.staleExamples()) {
				System.out.printf("  stale: %s%n", example);
			}
		}
	}

	private static String percent(long part, long whole) {
		return (whole == 0) ? "-" : String.format("%.1f%%", 100.0 * part / whole);
	}

	private static String millis(Duration duration) {
		return duration.toMillis() + "ms";
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown model");
		}
		catch (IOException ex) {
			return "unknown model";
		}
	}

	private static String totalMemory() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
		}
		return "unknown";
	}

	/**
	 * What one mode produced: the clients' view, and the routing's own meters.
	 */
	private record ModeResult(String mode, ReadStats stats, long measuredNanos, MeterRegistry registry,
			int lagChanges, long meanLagChangeMillis, long slowestLagChangeMillis) {

		long waitsCaughtUp() {
			return waits("caught-up");
		}

		long waitsTimedOut() {
			return waits("timed-out");
		}

		long fallbacks() {
			return counter(RoutingMetrics.CONSISTENCY, "outcome", "writer-fallback")
					+ counter(RoutingMetrics.CONSISTENCY, "outcome", "writer-time-window");
		}

		long lagAway() {
			return counter(RoutingMetrics.ROUTES, "target", "writer", "reason", "lag");
		}

		/**
		 * The routing decisions that happened, as target/reason=count.
		 */
		String routes() {
			return nonZero(RoutingMetrics.ROUTES, (counter) -> counter.getId().getTag("target") + "/"
					+ counter.getId().getTag("reason"));
		}

		/**
		 * The consistency outcomes that happened, as outcome=count.
		 */
		String outcomes() {
			String outcomes = nonZero(RoutingMetrics.CONSISTENCY, (counter) -> counter.getId().getTag("outcome"));
			return outcomes.isEmpty() ? "(none counted)" : outcomes;
		}

		private String nonZero(String name, java.util.function.Function<Counter, String> label) {
			return this.registry.find(name)
				.counters()
				.stream()
				.filter((counter) -> counter.count() > 0)
				.sorted((a, b) -> Double.compare(b.count(), a.count()))
				.map((counter) -> label.apply(counter) + "=" + (long) counter.count())
				.collect(Collectors.joining(", "));
		}

		private long waits(String result) {
			Timer timer = this.registry.find(RoutingMetrics.CONSISTENCY_WAIT).tag("result", result).timer();
			return (timer != null) ? timer.count() : 0;
		}

		private long counter(String name, String... tags) {
			Counter counter = this.registry.find(name).tags(tags).counter();
			return (counter != null) ? (long) counter.count() : 0;
		}

	}

	/**
	 * The application: nothing but what auto-configuration brings from the classpath (the routing
	 * data source, its pools and monitor, a transaction manager, a JdbcTemplate). No Flyway,
	 * Liquibase or JPA on this classpath.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
