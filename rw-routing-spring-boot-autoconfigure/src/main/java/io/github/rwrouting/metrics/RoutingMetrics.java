package io.github.rwrouting.metrics;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RouteDecision;
import io.github.rwrouting.routing.RouteListener;
import io.github.rwrouting.routing.RoutingPolicy;
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
 * Counting a decision is a lookup in a map built once: no allocation on the hot path.
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

	private final Supplier<RoutingPolicy> policy;

	private volatile Counter @Nullable [] outcomes;

	private volatile @Nullable Timer waitCaughtUp;

	private volatile @Nullable Timer waitTimedOut;

	private final Supplier<@Nullable ReplicaMonitor> monitor;

	private volatile @Nullable Map<RouteDecision, Counter> counters;

	/**
	 * Create the meters' source.
	 * @param policy the routing policy, asked for when the meters are bound
	 * @param monitor the replica monitor, if there is one
	 */
	public RoutingMetrics(Supplier<RoutingPolicy> policy, Supplier<@Nullable ReplicaMonitor> monitor) {
		this.policy = policy;
		this.monitor = monitor;
	}

	@Override
	public void routed(RouteDecision decision) {
		Map<RouteDecision, Counter> current = this.counters;
		if (current != null) {
			Counter counter = current.get(decision);
			if (counter != null) {
				counter.increment();
			}
		}
	}

	@Override
	public void outcome(ConsistencyOutcome outcome) {
		Counter[] current = this.outcomes;
		if (current != null) {
			current[outcome.ordinal()].increment();
		}
	}

	@Override
	public void waited(long nanos, boolean caughtUp) {
		Timer timer = caughtUp ? this.waitCaughtUp : this.waitTimedOut;
		if (timer != null) {
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ConsistencyOutcome[] all = ConsistencyOutcome.values();
		Counter[] byOutcome = new Counter[all.length];
		for (ConsistencyOutcome outcome : all) {
			byOutcome[outcome.ordinal()] = Counter.builder(CONSISTENCY)
				.description("Read-after-write consistency: tokens, captures and how reads that carried one were served")
				.tag("outcome", outcome.tagValue())
				.register(registry);
		}
		this.outcomes = byOutcome;
		this.waitCaughtUp = waitTimer(registry, "caught-up");
		this.waitTimedOut = waitTimer(registry, "timed-out");
		RoutingPolicy routingPolicy = this.policy.get();
		Map<RouteDecision, Counter> byDecision = new IdentityHashMap<>();
		for (RouteDecision decision : routingPolicy.decisions()) {
			byDecision.put(decision,
					Counter.builder(ROUTES)
						.description("Connections routed, by the pool they went to and why")
						.tag("target", decision.route().name())
						.tag("reason", decision.reason().tagValue())
						.register(registry));
		}
		this.counters = byDecision;
		ReplicaMonitor replicaMonitor = this.monitor.get();
		if (replicaMonitor != null && !replicaMonitor.statuses().isEmpty()) {
			routingPolicy.readers().forEach((reader) -> bindReader(registry, replicaMonitor, reader));
		}
	}

	private static Timer waitTimer(MeterRegistry registry, String result) {
		return Timer.builder(CONSISTENCY_WAIT)
			.description("Time reads waited for a replica to replay the caller's newest write")
			.tag("result", result)
			.register(registry);
	}

	private void bindReader(MeterRegistry registry, ReplicaMonitor monitor, Route reader) {
		String replica = reader.name();
		TimeGauge.builder(REPLICA_LAG, monitor, TimeUnit.NANOSECONDS, (m) -> m.status(reader).lagNanos())
			.description("Replication lag of the replica, in time")
			.tag("replica", replica)
			.register(registry);
		gauge(registry, REPLICA_LAG_BYTES, "Replication lag of the replica, in bytes of WAL not yet replayed",
				replica, monitor, (m) -> bytes(m.status(reader)))
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		gauge(registry, REPLICA_UP, "1 when the replica answered its last poll", replica, monitor,
				(m) -> m.status(reader).up() ? 1 : 0)
			.register(registry);
		gauge(registry, REPLICA_EXCLUDED, "1 when reads are kept away from the replica (down or lagging)", replica,
				monitor, (m) -> m.status(reader).excluded() ? 1 : 0)
			.register(registry);
		gauge(registry, REPLICA_NOT_A_REPLICA,
				"1 when the reader is not in recovery and not the writer's node (a promoted replica)", replica, monitor,
				(m) -> (m.status(reader).exclusionReason() == ExclusionReason.NOT_A_REPLICA) ? 1 : 0)
			.register(registry);
	}

	private static Gauge.Builder<ReplicaMonitor> gauge(MeterRegistry registry, String name, String description,
			String replica, ReplicaMonitor monitor, ToDoubleFunction<ReplicaMonitor> value) {
		return Gauge.builder(name, monitor, value).description(description).tag("replica", replica);
	}

	private static double bytes(NodeStatus status) {
		return (status.lagBytes() < 0) ? Double.NaN : status.lagBytes();
	}

}
