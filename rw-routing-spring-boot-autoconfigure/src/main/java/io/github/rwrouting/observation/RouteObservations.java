package io.github.rwrouting.observation;

import java.util.function.Supplier;

import io.github.rwrouting.consistency.ConsistencyListener;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.routing.RouteDecision;
import io.github.rwrouting.routing.RouteListener;
import io.github.rwrouting.routing.RouteReason;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Turns each routing decision into a Micrometer {@link Observation}, a child of the current one (the
 * web request's, the JDBC connection's): in a trace, a span that says where a connection went, why,
 * and what the caller's consistency token decided. The decision is made when the connection binds,
 * so the observation marks that moment; its duration means nothing.
 * <p>
 * The consistency outcome of a read is reported on the routing thread just before the route, so it
 * is kept in a thread local until the route is told. Outcomes that are not about a read's route
 * (captures, rejected tokens) are not kept.
 * <p>
 * Nothing is observed until {@link #start()}: the registry is looked up once the application is
 * ready, not while the routing data source is being created (the registry's handlers may need beans
 * that need the data source).
 *
 * @author rw-routing
 */
public class RouteObservations implements RouteListener, ConsistencyListener {

	private final Supplier<ObservationRegistry> registrySupplier;

	private final ThreadLocal<ConsistencyOutcome> pendingOutcome = new ThreadLocal<>();

	private volatile @Nullable ObservationRegistry registry;

	private @Nullable RouteObservationConvention customConvention;

	/**
	 * Create the listener.
	 * @param registrySupplier the registry, asked for once by {@link #start()}
	 */
	public RouteObservations(Supplier<ObservationRegistry> registrySupplier) {
		this.registrySupplier = registrySupplier;
	}

	/**
	 * Use a convention of one's own instead of {@link DefaultRouteObservationConvention}.
	 * @param convention the convention, or {@code null} for the default one
	 */
	public void setConvention(@Nullable RouteObservationConvention convention) {
		this.customConvention = convention;
	}

	/**
	 * Start observing: look the registry up.
	 */
	public void start() {
		ObservationRegistry current = this.registrySupplier.get();
		this.registry = (current.isNoop()) ? null : current;
	}

	@Override
	public void outcome(ConsistencyOutcome outcome) {
		if (this.registry != null && isRouteOutcome(outcome)) {
			this.pendingOutcome.set(outcome);
		}
	}

	@Override
	public void waited(long nanos, boolean caughtUp) {
	}

	@Override
	public void routed(RouteDecision decision) {
		ObservationRegistry current = this.registry;
		if (current == null) {
			return;
		}
		ConsistencyOutcome outcome = this.pendingOutcome.get();
		if (outcome != null) {
			this.pendingOutcome.remove();
			// Left over from a read whose connection could not be bound: not this route's.
			if (!checksConsistency(decision.reason())) {
				outcome = null;
			}
		}
		RouteObservationContext context = new RouteObservationContext(decision, outcome);
		Observation.createNotStarted(this.customConvention, DefaultRouteObservationConvention.INSTANCE,
				() -> context, current)
			.start()
			.stop();
	}

	private static boolean checksConsistency(RouteReason reason) {
		return reason != RouteReason.READ_WRITE && reason != RouteReason.FORCED;
	}

	private static boolean isRouteOutcome(ConsistencyOutcome outcome) {
		return switch (outcome) {
			case CAPTURED, CAPTURE_FAILED, TOKEN_INVALID -> false;
			default -> true;
		};
	}

}
