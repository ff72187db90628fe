package io.github.rwrouting.routing;

import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.consistency.ConsistencyToken;

import org.springframework.util.Assert;

/**
 * Decides where a connection goes from what is known when its first statement runs: whether the
 * work is read-only, whether it runs in a transaction, and which readers the monitor lets serve.
 *
 * @author rw-routing
 */
public final class RoutingPolicy {

	private static final RouteReason[] REASONS = RouteReason.values();

	private final Route writer;

	private final List<Route> readers;

	private final ReaderSelector readerSelector;

	private final NonTransactionalRoute nonTransactionalRoute;

	private final RouteDecision[] writerDecisions;

	private final RouteDecision[][] readerDecisions;

	/**
	 * Create a policy that picks readers round-robin.
	 * @param writer the writer route
	 * @param readers the reader routes, possibly none
	 * @param nonTransactionalRoute where work outside a transaction goes
	 */
	public RoutingPolicy(Route writer, List<Route> readers, NonTransactionalRoute nonTransactionalRoute) {
		this(writer, readers, nonTransactionalRoute, ReaderBalancing.ROUND_ROBIN);
	}

	/**
	 * Create a policy.
	 * @param writer the writer route
	 * @param readers the reader routes, possibly none
	 * @param nonTransactionalRoute where work outside a transaction goes
	 * @param balancing how to pick among the readers that may serve
	 */
	public RoutingPolicy(Route writer, List<Route> readers, NonTransactionalRoute nonTransactionalRoute,
			ReaderBalancing balancing) {
		Assert.isTrue(!writer.isReader(), "'writer' must be a writer route");
		Assert.isTrue(readers.stream().allMatch(Route::isReader), "'readers' must all be reader routes");
		this.writer = writer;
		this.readers = List.copyOf(readers);
		this.readerSelector = new ReaderSelector(this.readers, balancing);
		this.nonTransactionalRoute = nonTransactionalRoute;
		this.writerDecisions = decisionsFor(writer);
		this.readerDecisions = new RouteDecision[this.readers.size()][];
		for (int i = 0; i < this.readers.size(); i++) {
			this.readerDecisions[i] = decisionsFor(this.readers.get(i));
		}
	}

	// Decisions are created once, so that routing a connection allocates nothing.
	private static RouteDecision[] decisionsFor(Route route) {
		RouteDecision[] byReason = new RouteDecision[REASONS.length];
		for (RouteReason reason : REASONS) {
			byReason[reason.ordinal()] = new RouteDecision(route, reason);
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
			return readerOrWriter(RouteReason.READ_ONLY);
		}
		if (inTransaction) {
			return this.writerDecisions[RouteReason.READ_WRITE.ordinal()];
		}
		if (this.nonTransactionalRoute == NonTransactionalRoute.READER) {
			return readerOrWriter(RouteReason.NON_TRANSACTIONAL);
		}
		return this.writerDecisions[RouteReason.NON_TRANSACTIONAL.ordinal()];
	}

	/**
	 * Whether statements outside a transaction are routed one by one, by their SQL
	 * ({@link NonTransactionalRoute#AUTO}).
	 * @return whether they are
	 */
	public boolean routesEachStatement() {
		return this.nonTransactionalRoute == NonTransactionalRoute.AUTO;
	}

	/**
	 * Decide where a statement outside a transaction goes when statements are routed one by one.
	 * @param plainRead whether the statement only reads
	 * @return a reader (or the writer when none may serve) for a plain read, else the writer
	 */
	public RouteDecision decideStatement(boolean plainRead) {
		return plainRead ? readerOrWriter(RouteReason.NON_TRANSACTIONAL)
				: this.writerDecisions[RouteReason.NON_TRANSACTIONAL.ordinal()];
	}

	private RouteDecision readerOrWriter(RouteReason reason) {
		if (WriterRouting.isActive()) {
			return this.writerDecisions[RouteReason.FORCED.ordinal()];
		}
		int reader = this.readerSelector.select();
		if (reader != ReaderSelector.NONE) {
			return this.readerDecisions[reader][reason.ordinal()];
		}
		return this.writerDecisions[this.readerSelector.unavailableReason().ordinal()];
	}

	/**
	 * A reader the monitor last saw past a write, for a read that must show it.
	 * @param reason the read's reason ({@link RouteReason#READ_ONLY} or
	 * {@link RouteReason#NON_TRANSACTIONAL})
	 * @param write the write's commit position, timeline and time
	 * @return the decision, or {@code null} if no reader is known to be caught up
	 */
	public RouteDecision decideCaughtUp(RouteReason reason, ConsistencyToken.Entry write) {
		int reader = this.readerSelector.selectCaughtUp(write);
		return (reader != ReaderSelector.NONE) ? this.readerDecisions[reader][reason.ordinal()] : null;
	}

	/**
	 * The decision for a given reader, whether or not it may serve now.
	 * @param reader the reader's index in {@link #readers()}
	 * @param reason the read's reason
	 * @return the decision
	 */
	public RouteDecision readerDecision(int reader, RouteReason reason) {
		return this.readerDecisions[reader][reason.ordinal()];
	}

	/**
	 * The writer decision for a reason.
	 * @param reason the reason
	 * @return the decision
	 */
	public RouteDecision writerDecision(RouteReason reason) {
		return this.writerDecisions[reason.ordinal()];
	}

	/**
	 * Every decision this policy can make, for metrics that register their meters up front.
	 * @return the decisions
	 */
	public List<RouteDecision> decisions() {
		List<RouteDecision> all = new ArrayList<>(List.of(this.writerDecisions));
		for (RouteDecision[] byReason : this.readerDecisions) {
			all.addAll(List.of(byReason));
		}
		return all;
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
