package io.github.rwrouting.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of routing decisions: implement it, as a bean or registered with
 * the {@code ObservationRegistry} as a global convention, to name or tag them otherwise.
 *
 * @author rw-routing
 */
public interface RouteObservationConvention extends ObservationConvention<RouteObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RouteObservationContext;
	}

}
