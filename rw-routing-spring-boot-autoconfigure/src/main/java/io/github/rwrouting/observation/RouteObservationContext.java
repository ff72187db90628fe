package io.github.rwrouting.observation;

import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.routing.RouteDecision;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The context of a routing decision's observation: where one connection went, why, and what the
 * scope's consistency token asked of it.
 *
 * @author rw-routing
 */
public class RouteObservationContext extends Observation.Context {

	private final RouteDecision decision;

	private final @Nullable ConsistencyOutcome consistencyOutcome;

	/**
	 * Create a context.
	 * @param decision where the connection went and why
	 * @param consistencyOutcome what the consistency check decided, or {@code null} when the route
	 * made none (a read-write transaction, a forced writer, consistency off)
	 */
	public RouteObservationContext(RouteDecision decision, @Nullable ConsistencyOutcome consistencyOutcome) {
		this.decision = decision;
		this.consistencyOutcome = consistencyOutcome;
	}

	/**
	 * Where the connection went and why.
	 * @return the decision
	 */
	public RouteDecision getDecision() {
		return this.decision;
	}

	/**
	 * What the consistency check decided.
	 * @return the outcome, or {@code null} when the route made no consistency check
	 */
	public @Nullable ConsistencyOutcome getConsistencyOutcome() {
		return this.consistencyOutcome;
	}

}
