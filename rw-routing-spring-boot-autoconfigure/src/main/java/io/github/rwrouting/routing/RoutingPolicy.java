package io.github.rwrouting.routing;

import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * Decides where a connection goes from what is known when its first statement runs: whether the
 * work is read-only and whether it runs in a transaction.
 *
 * @author rw-routing
 */
public final class RoutingPolicy {

	private final Route writer;

	private final List<Route> readers;

	private final ReaderSelector readerSelector;

	private final NonTransactionalRoute nonTransactionalRoute;

	private final Map<Route, Map<RouteReason, RouteDecision>> decisions = new IdentityHashMap<>();

	private final RouteDecision writerReadWrite;

	private final RouteDecision writerReaderDown;

	private final RouteDecision writerNonTransactional;

	/**
	 * Create a policy.
	 * @param writer the writer route
	 * @param readers the reader routes, possibly none
	 * @param nonTransactionalRoute where work outside a transaction goes
	 */
	public RoutingPolicy(Route writer, List<Route> readers, NonTransactionalRoute nonTransactionalRoute) {
		Assert.isTrue(!writer.isReader(), "'writer' must be a writer route");
		Assert.isTrue(readers.stream().allMatch(Route::isReader), "'readers' must all be reader routes");
		this.writer = writer;
		this.readers = List.copyOf(readers);
		this.readerSelector = new ReaderSelector(this.readers);
		this.nonTransactionalRoute = nonTransactionalRoute;
		this.decisions.put(writer, decisionsFor(writer));
		this.readers.forEach((reader) -> this.decisions.put(reader, decisionsFor(reader)));
		this.writerReadWrite = decision(writer, RouteReason.READ_WRITE);
		this.writerReaderDown = decision(writer, RouteReason.READER_DOWN);
		this.writerNonTransactional = decision(writer, RouteReason.NON_TRANSACTIONAL);
	}

	private static Map<RouteReason, RouteDecision> decisionsFor(Route route) {
		Map<RouteReason, RouteDecision> byReason = new EnumMap<>(RouteReason.class);
		for (RouteReason reason : RouteReason.values()) {
			byReason.put(reason, new RouteDecision(route, reason));
		}
		return byReason;
	}

	/**
	 * Decide where a connection goes.
	 * @param readOnly whether the work is read-only
	 * @param inTransaction whether the work runs in a transaction
	 * @return the decision
	 */
	public RouteDecision decide(boolean readOnly, boolean inTransaction) {
		if (readOnly) {
			return readerOr(this.writerReaderDown, RouteReason.READ_ONLY);
		}
		if (inTransaction) {
			return this.writerReadWrite;
		}
		if (this.nonTransactionalRoute == NonTransactionalRoute.READER) {
			return readerOr(this.writerReaderDown, RouteReason.NON_TRANSACTIONAL);
		}
		return this.writerNonTransactional;
	}

	private RouteDecision readerOr(RouteDecision fallback, RouteReason reason) {
		Route reader = this.readerSelector.select();
		return (reader != null) ? decision(reader, reason) : fallback;
	}

	/**
	 * The shared decision object for a route and a reason.
	 * @param route one of this policy's routes
	 * @param reason the reason
	 * @return the decision
	 */
	public RouteDecision decision(Route route, RouteReason reason) {
		Map<RouteReason, RouteDecision> byReason = this.decisions.get(route);
		Assert.notNull(byReason, () -> "Unknown route " + route);
		return byReason.get(reason);
	}

	/**
	 * The writer route.
	 * @return the writer
	 */
	public Route writer() {
		return this.writer;
	}

	/**
	 * The reader routes, in configuration order.
	 * @return the readers
	 */
	public List<Route> readers() {
		return this.readers;
	}

}
