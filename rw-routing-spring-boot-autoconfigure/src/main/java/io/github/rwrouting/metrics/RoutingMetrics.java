package io.github.rwrouting.metrics;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.routing.ReadRoutePlanner;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RouteDecision;
import io.github.rwrouting.routing.RouteListener;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of read/write routing: a counter of routing decisions by target and reason, and
 * per replica its lag (time and bytes), whether it is up and whether it is excluded from reads.
 * Counting a decision is a lookup in a map built once: no allocation and no lock on the hot path.
 * Counters and timers register on first use, so that combinations that cannot happen (a reader with
 * reason {@code read-write}) are never exported.
 *
 * @author rw-routing
 */
public class RoutingMetrics implements RouteListener, ConsistencyListener, MeterBinder {

	/**
	 * Routing decisions, tagged {@code target} and {@code reason}.
	 */
	public static final String ROUTES = "rw.routing.routes";

	/**
	 * Replica lag in time, tagged {@code replica}.
	 */
	public static final String REPLICA_LAG = "rw.routing.replica.lag";

	/**
	 * Replica lag in bytes of WAL, tagged {@code replica}.
	 */
	public static final String REPLICA_LAG_BYTES = "rw.routing.replica.lag.bytes";

	/**
	 * 1 when the replica answered its last poll, tagged {@code replica}.
	 */
	public static final String REPLICA_UP = "rw.routing.replica.up";

	/**
	 * 1 when reads are kept away from the replica, tagged {@code replica}.
	 */
	public static final String REPLICA_EXCLUDED = "rw.routing.replica.excluded";

	/**
	 * 1 when the reader is not in recovery and is not the writer's node (a promoted replica),
	 * tagged {@code replica}.
	 */
	public static final String REPLICA_NOT_A_REPLICA = "rw.routing.replica.not.replica";

	/**
	 * Consistency outcomes, tagged {@code outcome}.
	 */
	public static final String CONSISTENCY = "rw.routing.consistency";

	/**
	 * Time reads waited for a replica to replay the caller's write, tagged {@code result}
	 * ({@code caught-up} or {@code timed-out}).
	 */
	public static final String CONSISTENCY_WAIT = "rw.routing.consistency.wait";

	private static final ConsistencyOutcome[] OUTCOMES = ConsistencyOutcome.values();

	private final ReadRoutePlanner planner;

	private final Supplier<@Nullable ReplicaMonitor> monitor;

	private volatile @Nullable Map<RouteDecision, LazyMeter<Counter>> counters;

	private volatile LazyMeter<Counter> @Nullable [] outcomes;

	private volatile @Nullable LazyMeter<Timer> waitCaughtUp;

	private volatile @Nullable LazyMeter<Timer> waitTimedOut;

	/**
	 * Create the meters' source.
	 * @param planner the read-route planner, whose decisions are counted
	 * @param monitor the replica monitor, if there is one, asked for when the meters are bound
	 */
	public RoutingMetrics(ReadRoutePlanner planner, Supplier<@Nullable ReplicaMonitor> monitor) {
		this.planner = planner;
		this.monitor = monitor;
	}

	@Override
	public void routed(RouteDecision decision) {
		Map<RouteDecision, LazyMeter<Counter>> current = this.counters;
		if (current != null) {
			LazyMeter<Counter> counter = current.get(decision);
			if (counter != null) {
				counter.get().increment();
			}
		}
	}

	@Override
	public void outcome(ConsistencyOutcome outcome) {
		LazyMeter<Counter>[] current = this.outcomes;
		if (current != null) {
			current[outcome.ordinal()].get().increment();
		}
	}

	@Override
	public void waited(long nanos, boolean caughtUp) {
		LazyMeter<Timer> timer = caughtUp ? this.waitCaughtUp : this.waitTimedOut;
		if (timer != null) {
			timer.get().record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Binds the replica gauges now and prepares the counters and timers, which register on their
	 * first use: only the combinations of target, reason and outcome that happen are exported.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public void bindTo(MeterRegistry registry) {
		LazyMeter<Counter>[] byOutcome = new LazyMeter[OUTCOMES.length];
		for (ConsistencyOutcome outcome : OUTCOMES) {
			Counter.Builder builder = Counter.builder(CONSISTENCY)
				.description("Read-after-write consistency: tokens, captures and how reads that carried one were served")
				.tag("outcome", outcome.tagValue());
			byOutcome[outcome.ordinal()] = new LazyMeter<>(() -> builder.register(registry));
		}
		this.outcomes = byOutcome;
		this.waitCaughtUp = waitTimer(registry, "caught-up");
		this.waitTimedOut = waitTimer(registry, "timed-out");
		Map<RouteDecision, LazyMeter<Counter>> byDecision = new IdentityHashMap<>();
		for (RouteDecision decision : this.planner.decisions()) {
			Counter.Builder builder = Counter.builder(ROUTES)
				.description("Connections routed, by the pool they went to and why")
				.tag("target", decision.route().name())
				.tag("reason", decision.reason().tagValue());
			byDecision.put(decision, new LazyMeter<>(() -> builder.register(registry)));
		}
		this.counters = byDecision;
		ReplicaMonitor replicaMonitor = this.monitor.get();
		if (replicaMonitor != null && !replicaMonitor.statuses().isEmpty()) {
			this.planner.readers().forEach((reader) -> bindReader(registry, replicaMonitor, reader));
		}
	}

	private static LazyMeter<Timer> waitTimer(MeterRegistry registry, String result) {
		Timer.Builder builder = Timer.builder(CONSISTENCY_WAIT)
			.description("Time reads waited for a replica to replay the caller's newest write")
			.tag("result", result);
		return new LazyMeter<>(() -> builder.register(registry));
	}

	private void bindReader(MeterRegistry registry, ReplicaMonitor monitor, Route reader) {
		String replica = reader.name();
		TimeGauge.builder(REPLICA_LAG, monitor, TimeUnit.NANOSECONDS, (m) -> m.status(replica).lagNanos())
			.description("Replication lag of the replica, in time")
			.tag("replica", replica)
			.register(registry);
		gauge(registry, REPLICA_LAG_BYTES, "Replication lag of the replica, in bytes of WAL not yet replayed",
				replica, monitor, (m) -> bytes(m.status(replica)))
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		gauge(registry, REPLICA_UP, "1 when the replica answered its last poll", replica, monitor,
				(m) -> m.status(replica).up() ? 1 : 0)
			.register(registry);
		gauge(registry, REPLICA_EXCLUDED, "1 when reads are kept away from the replica (down or lagging)", replica,
				monitor, (m) -> m.status(replica).excluded() ? 1 : 0)
			.register(registry);
		gauge(registry, REPLICA_NOT_A_REPLICA,
				"1 when the reader is not in recovery and not the writer's node (a promoted replica)", replica, monitor,
				(m) -> (m.status(replica).exclusionReason() == ExclusionReason.NOT_A_REPLICA) ? 1 : 0)
			.register(registry);
	}

	private static Gauge.Builder<ReplicaMonitor> gauge(MeterRegistry registry, String name, String description,
			String replica, ReplicaMonitor monitor, ToDoubleFunction<ReplicaMonitor> value) {
		return Gauge.builder(name, monitor, value).description(description).tag("replica", replica);
	}

	private static double bytes(NodeStatus status) {
		return (status.lagBytes() < 0) ? Double.NaN : status.lagBytes();
	}

	/**
	 * A meter registered on first use. Without a lock: two threads that race register the same meter,
	 * and the registry hands both the same one.
	 */
	private static final class LazyMeter<M> {

		private final Supplier<M> registration;

		private volatile @Nullable M meter;

		LazyMeter(Supplier<M> registration) {
			this.registration = registration;
		}

		M get() {
			M current = this.meter;
			if (current == null) {
				current = this.registration.get();
				this.meter = current;
			}
			return current;
		}

	}

}
