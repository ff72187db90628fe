package io.github.rwrouting.routing;

/**
 * Told each time a {@link RoutingDataSource} connection is bound to a pool. Called on the thread that
 * runs the transaction, on the hot path: implementations must be quick and must not throw.
 *
 * @author rw-routing
 */
@FunctionalInterface
public interface RouteListener {

	/**
	 * A connection was just routed.
	 * @param decision where it went and why
	 */
	void routed(RouteDecision decision);

}
