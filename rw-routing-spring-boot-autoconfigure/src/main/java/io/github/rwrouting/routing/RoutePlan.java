package io.github.rwrouting.routing;

import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link ReadRoutePlanner} decided for one connection: this route; or this reader after
 * one bounded check that it has replayed a write; each with a reason, and the consistency outcome
 * to count when the plan is carried out.
 *
 * @author rw-routing
 */
public final class RoutePlan {

	private final RouteDecision decision;

	private final @Nullable ConsistencyOutcome outcome;

	private final ConsistencyToken.@Nullable Entry check;

	private final long expectedWaitNanos;

	RoutePlan(RouteDecision decision, @Nullable ConsistencyOutcome outcome, ConsistencyToken.@Nullable Entry check,
			long expectedWaitNanos) {
		this.decision = decision;
		this.outcome = outcome;
		this.check = check;
		this.expectedWaitNanos = expectedWaitNanos;
	}

	/**
	 * Where the connection goes, and why.
	 * @return the decision
	 */
	public RouteDecision decision() {
		return this.decision;
	}

	/**
	 * The consistency outcome that taking this plan counts.
	 * @return the outcome, or {@code null} when the plan did not depend on a token (or its check
	 * decides the outcome)
	 */
	public @Nullable ConsistencyOutcome outcome() {
		return this.outcome;
	}

	/**
	 * The write the reader must be checked for before the read runs on it, waiting at most
	 * {@code max-wait}.
	 * @return the write, or {@code null} when the plan needs no check
	 */
	public ConsistencyToken.@Nullable Entry check() {
		return this.check;
	}

	/**
	 * When the reader is expected to have replayed the write, from its measured lag: the first look
	 * again after a miss.
	 * @return the expected wait in nanoseconds, zero or less when it should have it by now
	 */
	public long expectedWaitNanos() {
		return this.expectedWaitNanos;
	}

	@Override
	public String toString() {
		return this.decision + ((this.check != null) ? " after a check" : "")
				+ ((this.outcome != null) ? " [" + this.outcome.tagValue() + "]" : "");
	}

}
