package io.github.rwrouting.autoconfigure.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.PostgresNode;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * One run of the fault application against the cluster: the application context, its load and its
 * health sampler, and what they recorded.
 */
final class FaultRun implements AutoCloseable {

	private static final Duration READY_DEADLINE = Duration.ofSeconds(30);

	final ConfigurableApplicationContext context;

	final FaultLoad load;

	final HealthSampler health;

	/** rw-routing's meters (route counters, consistency outcomes, replica gauges) of this run. */
	final SimpleMeterRegistry meters;

	private FaultRun(ConfigurableApplicationContext context, FaultLoad load, HealthSampler health,
			SimpleMeterRegistry meters) {
		this.context = context;
		this.load = load;
		this.health = health;
		this.meters = meters;
	}

	/**
	 * Start the application, wait until the monitor sees every node up, start the load and the
	 * health sampler, and wait until reads reach every replica.
	 */
	static FaultRun start(List<String> properties, List<PostgresNode> replicas, int readerThreads, int writerThreads,
			Duration healthAnswerWithin) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FaultApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties.toArray(new String[0]))
			.run();
		FaultLoad load = null;
		HealthSampler health = null;
		try {
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean(RoutingMetrics.class).bindTo(meters);
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			await("every node up and serving").atMost(READY_DEADLINE)
				.until(() -> monitor.statuses().stream().allMatch((status) -> status.up() && !status.excluded()));
			load = new FaultLoad(context.getBean(FaultApplication.Reads.class),
					context.getBean(FaultApplication.Writes.class), context.getBean(ConsistencyContext.class),
					readerThreads, writerThreads);
			load.start();
			health = new HealthSampler(context.getBean(HealthEndpoint.class), healthAnswerWithin);
			FaultLoad started = load;
			long since = System.nanoTime();
			for (PostgresNode replica : replicas) {
				await("reads on " + replica.name()).atMost(READY_DEADLINE)
					.until(() -> firstReadOn(started.reads(), replica, since).isPresent());
			}
			return new FaultRun(context, load, health, meters);
		}
		catch (RuntimeException | Error ex) {
			if (load != null) {
				load.close();
			}
			if (health != null) {
				health.close();
			}
			context.close();
			throw ex;
		}
	}

	/**
	 * Wait, with a deadline, for the first read served by a node that began after a moment.
	 * @return milliseconds from that moment to the read's start
	 */
	long awaitReadOn(PostgresNode node, long afterNanos, Duration deadline) {
		await(node.name() + " serves reads again").atMost(deadline)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> firstReadOn(this.load.reads(), node, afterNanos).isPresent());
		return TimeUnit.NANOSECONDS
			.toMillis(firstReadOn(this.load.reads(), node, afterNanos).orElseThrow().startNanos() - afterNanos);
	}

	static Optional<FaultLoad.Read> firstReadOn(List<FaultLoad.Read> reads, PostgresNode node, long afterNanos) {
		return reads.stream()
			.filter((read) -> read.failure() == null && read.port() == node.port() && read.startNanos() >= afterNanos)
			.min((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
	}

	/**
	 * Stop the load and the health sampler.
	 */
	void stop(Duration deadline) {
		try {
			this.load.stop(deadline);
		}
		finally {
			this.health.close();
		}
	}

	@Override
	public void close() {
		this.load.close();
		this.health.close();
		this.context.close();
	}

	/**
	 * The acknowledged ids that the node does not have.
	 */
	static Set<Long> missingOn(PostgresNode node, Set<Long> acknowledged) throws SQLException {
		Set<Long> stored = new HashSet<>();
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select id from fault_writes")) {
			while (rows.next()) {
				stored.add(rows.getLong(1));
			}
		}
		Set<Long> missing = new HashSet<>(acknowledged);
		missing.removeAll(stored);
		return missing;
	}

	/**
	 * Latency percentiles, for the report.
	 */
	static String latencies(List<FaultLoad.Read> reads) {
		if (reads.isEmpty()) {
			return "no reads";
		}
		List<Long> millis = new ArrayList<>(reads.stream().map(FaultLoad.Read::millis).sorted().toList());
		return String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms", percentile(millis, 50),
				percentile(millis, 99), millis.get(millis.size() - 1));
	}

	static long percentile(List<Long> sorted, double percent) {
		int rank = (int) Math.ceil(percent / 100 * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

}
