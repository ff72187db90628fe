package io.github.rwrouting.observation;

import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.micrometer.common.KeyValues;

/**
 * The default {@link RouteObservationConvention}: an observation named {@value #NAME} with three
 * low-cardinality key values, each from a closed set: the target ({@code writer} or a reader's
 * name), the reason, and the consistency outcome ({@code none} when the route made no consistency
 * check).
 *
 * @author rw-routing
 */
public class DefaultRouteObservationConvention implements RouteObservationConvention {

	/**
	 * The observation's name.
	 */
	public static final String NAME = "rw.routing.route";

	/**
	 * Where the connection went: {@code writer} or the reader's name.
	 */
	public static final String TARGET = "rw.routing.target";

	/**
	 * Why it went there, as the {@code reason} tag of {@code rw.routing.routes}.
	 */
	public static final String REASON = "rw.routing.reason";

	/**
	 * What the consistency check decided, as the {@code outcome} tag of
	 * {@code rw.routing.consistency}, or {@code none}.
	 */
	public static final String CONSISTENCY = "rw.routing.consistency";

	/**
	 * The consistency key value of a route that made no consistency check.
	 */
	public static final String NO_CHECK = "none";

	/**
	 * The shared instance.
	 */
	public static final DefaultRouteObservationConvention INSTANCE = new DefaultRouteObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RouteObservationContext context) {
		return "rw-routing route";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RouteObservationContext context) {
		ConsistencyOutcome outcome = context.getConsistencyOutcome();
		return KeyValues.of(TARGET, context.getDecision().route().name(), REASON,
				context.getDecision().reason().tagValue(), CONSISTENCY,
				(outcome != null) ? outcome.tagValue() : NO_CHECK);
	}

}
