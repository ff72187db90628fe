package io.github.rwrouting.routing;

/**
 * Where one connection was routed, and why. Instances are created once per route and reason by
 * {@link ReadRoutePlanner}, so routing a connection allocates nothing.
 *
 * @author rw-routing
 */
public final class RouteDecision {

	private final Route route;

	private final RouteReason reason;

	RouteDecision(Route route, RouteReason reason) {
		this.route = route;
		this.reason = reason;
	}

	/**
	 * The route taken.
	 * @return the route
	 */
	public Route route() {
		return this.route;
	}

	/**
	 * Why it was taken.
	 * @return the reason
	 */
	public RouteReason reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return this.route.poolName() + " (" + this.reason.tagValue() + ")";
	}

}
