package io.github.rwrouting.routing;

import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link ReadRoutePlanner} decided for one connection: this route; or this reader after
 * one bounded check that it has replayed a write; each with a reason, and the consistency outcome
 * to count when the plan is carried out. A read the plan sends to the writer although it could run
 * on a reader (its reader was behind, missed the write or could not be reached) names the reader it
 * {@link #passedOver() passed over}: while the writer pool is full, the readers are asked first
 * ({@link ReadRoutePlanner#planWhileWriterPoolFull}).
 *
 * @author rw-routing
 */
public final class RoutePlan {

	private final RouteDecision decision;

	private final @Nullable ConsistencyOutcome outcome;

	private final ConsistencyToken.@Nullable Entry check;

	private final long expectedWaitNanos;

	private final ConsistencyToken.@Nullable Entry required;

	private final @Nullable RouteDecision passedOver;

	RoutePlan(RouteDecision decision, @Nullable ConsistencyOutcome outcome, ConsistencyToken.@Nullable Entry check,
			long expectedWaitNanos) {
		this(decision, outcome, check, expectedWaitNanos, check, null);
	}

	RoutePlan(RouteDecision decision, @Nullable ConsistencyOutcome outcome, ConsistencyToken.@Nullable Entry check,
			long expectedWaitNanos, ConsistencyToken.@Nullable Entry required, @Nullable RouteDecision passedOver) {
		this.decision = decision;
		this.outcome = outcome;
		this.check = check;
		this.expectedWaitNanos = expectedWaitNanos;
		this.required = required;
		this.passedOver = passedOver;
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

	/**
	 * The write the read must see wherever it runs: on another reader than the planned one, only
	 * once that reader shows it.
	 * @return the write, or {@code null} for a read without a requirement (or one that only the
	 * writer may serve)
	 */
	public ConsistencyToken.@Nullable Entry required() {
		return this.required;
	}

	/**
	 * The reader a writer plan passed over: the read could run on a reader, but its reader was
	 * behind or missed the write. Only for such plans may the readers be asked when the writer pool
	 * turns out to be full.
	 * @return the reader's decision, or {@code null}
	 */
	public @Nullable RouteDecision passedOver() {
		return this.passedOver;
	}

	@Override
	public String toString() {
		return this.decision + ((this.check != null) ? " after a check" : "")
				+ ((this.passedOver != null) ? " (passed over " + this.passedOver.route().name() + ")" : "")
				+ ((this.outcome != null) ? " [" + this.outcome.tagValue() + "]" : "");
	}

}
