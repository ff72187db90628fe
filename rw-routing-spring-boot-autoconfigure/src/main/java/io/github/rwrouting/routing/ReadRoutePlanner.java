package io.github.rwrouting.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.ReplayCheck;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Decides where a connection goes, from what is known when its first statement runs: whether the
 * work is read-only and runs in a transaction, what the scope's consistency token asks, and what
 * the cluster state says of each reader. The one place that decides how a reader is chosen; the
 * routed connection only carries out its {@link RoutePlan plans}. Pure logic: it reads the cluster
 * state and the token, and never touches a database.
 * <p>
 * A read goes, in this order:
 * <ol>
 * <li>to the writer when a writer scope is active ({@link RouteReason#FORCED});</li>
 * <li>to the writer when no reader may serve ({@link RouteReason#READER_DOWN},
 * {@link RouteReason#LAG});</li>
 * <li>to a reader picked by the {@link ReaderBalancing balancing} when the scope has no token, or a
 * token this cluster has nothing to ask for;</li>
 * <li>with a token: to the writer when no replica can be trusted with it (unknown cluster, time
 * window, another timeline); else to a reader the monitor last saw past the write; else to the
 * picked reader after one bounded check of its replay position, when its lag lets it catch up
 * within {@code max-wait}: the lag the latest check of a read measured since the monitor's last
 * poll, else the monitor's (taken within half a monitor interval, and only while no read since the
 * poll found it without this write or an older one); else to the writer
 * ({@link RouteReason#CONSISTENCY}).</li>
 * </ol>
 * A read sent to the writer although a reader could have served it (its reader was behind, missed
 * the write, or could not be reached) would queue behind whatever holds a full writer pool, for up
 * to the writer's connection-timeout: for such a read, {@link #planWhileWriterPoolFull} plans the
 * readers to ask first.
 *
 * @author rw-routing
 */
public final class ReadRoutePlanner {

	private static final RouteReason[] REASONS = RouteReason.values();

	private static final ConsistencyOutcome[] OUTCOMES = ConsistencyOutcome.values();

	private static final int NONE = -1;

	private final Route writer;

	private final List<Route> readers;

	private final NodeState[] readerNodes;

	private final ReaderBalancing balancing;

	private final NonTransactionalRoute nonTransactionalRoute;

	private final AtomicInteger next = new AtomicInteger();

	// Plans are created once per route, reason and outcome, so that planning a read allocates
	// nothing unless it needs a check.
	private final RoutePlan[] writerPlans;

	private final RoutePlan[] consistencyWriterPlans;

	private final RoutePlan[][] readerPlans;

	/**
	 * Create a planner that picks readers round-robin.
	 * @param writer the writer route
	 * @param readers the reader routes, possibly none
	 * @param nonTransactionalRoute where work outside a transaction goes
	 */
	public ReadRoutePlanner(Route writer, List<Route> readers, NonTransactionalRoute nonTransactionalRoute) {
		this(writer, readers, nonTransactionalRoute, ReaderBalancing.ROUND_ROBIN);
	}

	/**
	 * Create a planner.
	 * @param writer the writer route
	 * @param readers the reader routes, possibly none
	 * @param nonTransactionalRoute where work outside a transaction goes
	 * @param balancing how to pick among the readers that may serve
	 */
	public ReadRoutePlanner(Route writer, List<Route> readers, NonTransactionalRoute nonTransactionalRoute,
			ReaderBalancing balancing) {
		Assert.isTrue(!writer.isReader(), "'writer' must be a writer route");
		Assert.isTrue(readers.stream().allMatch(Route::isReader), "'readers' must all be reader routes");
		this.writer = writer;
		this.readers = List.copyOf(readers);
		this.readerNodes = this.readers.stream().map(Route::node).toArray(NodeState[]::new);
		this.balancing = balancing;
		this.nonTransactionalRoute = nonTransactionalRoute;
		this.writerPlans = plansFor(writer, null);
		RouteDecision consistencyWriter = this.writerPlans[RouteReason.CONSISTENCY.ordinal()].decision();
		this.consistencyWriterPlans = new RoutePlan[OUTCOMES.length];
		for (ConsistencyOutcome outcome : OUTCOMES) {
			this.consistencyWriterPlans[outcome.ordinal()] = new RoutePlan(consistencyWriter, outcome, null, 0);
		}
		this.readerPlans = new RoutePlan[this.readers.size()][];
		for (int i = 0; i < this.readers.size(); i++) {
			this.readerPlans[i] = plansFor(this.readers.get(i), null);
		}
	}

	private static RoutePlan[] plansFor(Route route, @Nullable ConsistencyOutcome outcome) {
		RoutePlan[] byReason = new RoutePlan[REASONS.length];
		for (RouteReason reason : REASONS) {
			byReason[reason.ordinal()] = new RoutePlan(new RouteDecision(route, reason), outcome, null, 0);
		}
		return byReason;
	}

	/**
	 * Plan where a connection goes.
	 * @param readOnly whether the work is read-only
	 * @param inTransaction whether the work runs in a transaction
	 * @param consistency read-after-write consistency, or {@code null} for none
	 * @return the plan
	 */
	public RoutePlan plan(boolean readOnly, boolean inTransaction, @Nullable ConsistencyGuard consistency) {
		if (readOnly) {
			return planRead(RouteReason.READ_ONLY, consistency);
		}
		if (inTransaction) {
			return this.writerPlans[RouteReason.READ_WRITE.ordinal()];
		}
		if (this.nonTransactionalRoute == NonTransactionalRoute.READER) {
			return planRead(RouteReason.NON_TRANSACTIONAL, consistency);
		}
		return this.writerPlans[RouteReason.NON_TRANSACTIONAL.ordinal()];
	}

	/**
	 * Plan where a statement outside a transaction goes when statements are routed one by one
	 * ({@link NonTransactionalRoute#AUTO}).
	 * @param plainRead whether the statement only reads
	 * @param consistency read-after-write consistency, or {@code null} for none
	 * @return a reader's plan (or the writer's when none may serve) for a plain read, else the
	 * writer's
	 */
	public RoutePlan planStatement(boolean plainRead, @Nullable ConsistencyGuard consistency) {
		return plainRead ? planRead(RouteReason.NON_TRANSACTIONAL, consistency)
				: this.writerPlans[RouteReason.NON_TRANSACTIONAL.ordinal()];
	}

	/**
	 * Decide where a connection goes, without read-after-write consistency.
	 * @param readOnly whether the work is read-only
	 * @param inTransaction whether the work runs in a transaction
	 * @return the decision
	 */
	public RouteDecision decide(boolean readOnly, boolean inTransaction) {
		return plan(readOnly, inTransaction, null).decision();
	}

	/**
	 * Decide where a statement outside a transaction goes when statements are routed one by one,
	 * without read-after-write consistency.
	 * @param plainRead whether the statement only reads
	 * @return the decision
	 */
	public RouteDecision decideStatement(boolean plainRead) {
		return planStatement(plainRead, null).decision();
	}

	/**
	 * Whether statements outside a transaction are routed one by one, by their SQL
	 * ({@link NonTransactionalRoute#AUTO}).
	 * @return whether they are
	 */
	public boolean routesEachStatement() {
		return this.nonTransactionalRoute == NonTransactionalRoute.AUTO;
	}

	private RoutePlan planRead(RouteReason reason, @Nullable ConsistencyGuard consistency) {
		if (WriterRouting.isActive()) {
			return this.writerPlans[RouteReason.FORCED.ordinal()];
		}
		// One turn of the round robin per read: a read carrying a token selects twice, and two turns
		// with two readers would always start the second selection at the same reader.
		int start = nextStart();
		int reader = select(null, start);
		if (reader == NONE) {
			return this.writerPlans[unavailableReason().ordinal()];
		}
		ConsistencyToken.Entry required = (consistency != null) ? consistency.requirement() : null;
		if (required == null) {
			return this.readerPlans[reader][reason.ordinal()];
		}
		ConsistencyOutcome writerOnly = writerOnly(consistency, required);
		if (writerOnly != null) {
			return this.consistencyWriterPlans[writerOnly.ordinal()];
		}
		int caughtUp = select(required, start);
		if (caughtUp != NONE) {
			// The write goes with the plan: should this reader be unreachable while the writer pool
			// is full, another one serves only once it shows the write.
			return new RoutePlan(this.readerPlans[caughtUp][reason.ordinal()].decision(),
					ConsistencyOutcome.REPLICA_CAUGHT_UP, null, 0, required, null);
		}
		if (!canBeChecked(consistency, required)) {
			// Nothing to ask a replica about (Aurora, a failed capture).
			return this.consistencyWriterPlans[ConsistencyOutcome.WRITER_REPLICA_BEHIND.ordinal()];
		}
		NodeState node = this.readerNodes[reader];
		long checkedLag = node.checkedLagNanos();
		long lagNanos = (checkedLag != ReplayCheck.UNKNOWN_LAG) ? checkedLag : node.lagNanos();
		long ageNanos = consistency.ageNanos(required);
		if (!worthAsking(node, checkedLag, lagNanos, ageNanos, consistency, required)) {
			// It will not have the write within max-wait.
			return new RoutePlan(writerDecision(RouteReason.CONSISTENCY), ConsistencyOutcome.WRITER_REPLICA_BEHIND, null,
					0, required, this.readerPlans[reader][reason.ordinal()].decision());
		}
		// A replica replays a commit about its lag after the commit.
		long expectedWaitNanos = lagNanos - ageNanos;
		return new RoutePlan(this.readerPlans[reader][reason.ordinal()].decision(), null, required,
				expectedWaitNanos);
	}

	/**
	 * Whether a replica can be asked if it has replayed a write.
	 */
	private static boolean canBeChecked(ConsistencyGuard consistency, ConsistencyToken.Entry required) {
		return required.position() >= 0 && consistency.clusterState().dialect() != null;
	}

	/**
	 * Whether a replica may have a write within {@code max-wait}, so that one check of its replay
	 * position is worth a round trip. Asking never risks a stale read (the check reads the replica's
	 * own replay position); a miss costs one round trip.
	 * <p>
	 * When a read's check measured the replica's lag (in the same round trip as its position) since
	 * the monitor's last poll, the replica is taken to keep replaying at the latest such lag: a write
	 * is worth asking about once it is that old, less {@code max-wait}. The lag measured is the time
	 * since the replica's last replayed commit, an upper bound of its real lag (exact while the
	 * primary commits steadily, longer after a quiet spell on the primary), so the next ask comes
	 * when the replica should have the write, never earlier; a second read of a write the check just
	 * found missing is not asked again before then (that write is younger than the lag, unless the
	 * lag read was raised to its age).
	 * <p>
	 * Without such a measurement (a database that does not tell the lag), a replica found without a
	 * write or an older one since the poll is taken to stand still short of it until the next poll.
	 * Else the monitor's lag decides, less half a monitor interval: the monitor reads it off the
	 * writer's positions sampled once per interval, a replica's replay position is that of its last
	 * replayed commit while the next may be due any moment, and the lag may have fallen since the
	 * poll, so it overstates the lag by up to about that much.
	 */
	private static boolean worthAsking(NodeState node, long checkedLagNanos, long lagNanos, long ageNanos,
			ConsistencyGuard consistency, ConsistencyToken.Entry required) {
		if (checkedLagNanos != ReplayCheck.UNKNOWN_LAG) {
			return checkedLagNanos <= ageNanos + consistency.maxWaitNanos();
		}
		if (node.missedSince(required.commitTimeMillis())) {
			return false;
		}
		return lagNanos - consistency.remeasureNanos() / 2 <= ageNanos + consistency.maxWaitNanos();
	}

	/**
	 * Whether a read must go to the writer whatever the replicas have replayed.
	 */
	private static @Nullable ConsistencyOutcome writerOnly(ConsistencyGuard consistency,
			ConsistencyToken.Entry required) {
		if (consistency.isForUnknownCluster(required)) {
			return ConsistencyOutcome.WRITER_UNKNOWN_CLUSTER;
		}
		if (consistency.mode() == ConsistencyMode.TIME_WINDOW) {
			return ConsistencyOutcome.WRITER_TIME_WINDOW;
		}
		if (required.hasNoReplicaPosition() || (required.position() < 0 && !trustsCommitTime(consistency))) {
			// A MySQL GTID set too large for a token: no replica can be trusted with the write. A
			// write with no position where the lag counts transactions (MySQL, MariaDB): its commit
			// time does not tell that a replica applying out of order has it.
			return ConsistencyOutcome.WRITER_REPLICA_BEHIND;
		}
		ClusterIdentity identity = consistency.clusterState().writerIdentity();
		if (identity != null && required.clusterId() != ConsistencyToken.ANY_CLUSTER
				&& required.timeline() != identity.timeline()) {
			return ConsistencyOutcome.WRITER_STALE_TIMELINE;
		}
		return null;
	}

	/**
	 * Whether a write with no position may be judged by its commit time: not where the dialect
	 * measures lag by counting transactions; yes while no dialect is known (before the monitor's
	 * first poll, on a URL that implies none).
	 */
	private static boolean trustsCommitTime(ConsistencyGuard consistency) {
		DatabaseDialect dialect = consistency.clusterState().dialect();
		return dialect == null || dialect.trustsCommitTime();
	}

	/**
	 * The planned check found the replica without the write (after waiting up to {@code max-wait}):
	 * the read goes to the writer, and until the monitor measures the replica again it is taken to
	 * keep the lag the check measured (at least the write's age: it lacked the write), or, when the
	 * database does not tell the lag, to stand still short of that write (see
	 * {@link #worthAsking}). Either way a page that reads several times after a write asks a lagging
	 * replica once, not once per read; with the lag, reads of writes old enough for the replica to
	 * have them since are asked again before the next poll. Without a monitor nothing would forget
	 * the miss again, so each read asks on its own.
	 * @param plan the plan whose check failed
	 * @param consistency the guard that ran the check
	 * @param lagNanos the replica's lag as the check measured it, or {@link ReplayCheck#UNKNOWN_LAG}
	 * @return the writer's plan, which passed over the checked reader
	 */
	public RoutePlan checkFailed(RoutePlan plan, ConsistencyGuard consistency, long lagNanos) {
		ConsistencyToken.Entry check = plan.check();
		if (check == null) {
			return this.consistencyWriterPlans[ConsistencyOutcome.WRITER_FALLBACK.ordinal()];
		}
		if (consistency.remeasureNanos() > 0) {
			NodeState node = plan.decision().route().node();
			long ageNanos = consistency.ageNanos(check);
			// It lacked the write: whatever its clock says, it lags at least the write's age.
			long checkedLag = (lagNanos != ReplayCheck.UNKNOWN_LAG) ? Math.max(lagNanos, ageNanos)
					: ReplayCheck.UNKNOWN_LAG;
			node.missed(check.commitTimeMillis(), checkedLag);
			// Least-lag balancing prefers other readers meanwhile.
			node.lagsAtLeast((checkedLag != ReplayCheck.UNKNOWN_LAG) ? checkedLag : ageNanos);
		}
		return new RoutePlan(writerDecision(RouteReason.CONSISTENCY), ConsistencyOutcome.WRITER_FALLBACK, null, 0, check,
				plan.decision());
	}

	/**
	 * The planned check found the replica with the write: the lag it measured on the way (the time
	 * since the replica's last replayed commit) lowers the estimate an earlier miss left until the
	 * monitor's next poll (see {@link #worthAsking}), and sets none otherwise: on a primary that
	 * commits rarely it is the time since that commit, not a lag. Without a monitor nothing would
	 * forget it again, so it is not recorded.
	 * @param plan the plan whose check passed
	 * @param consistency the guard that ran the check
	 * @param lagNanos the replica's lag as the check measured it, or {@link ReplayCheck#UNKNOWN_LAG}
	 */
	public void checkPassed(RoutePlan plan, ConsistencyGuard consistency, long lagNanos) {
		if (consistency.remeasureNanos() > 0 && plan.decision().route().isReader()) {
			plan.decision().route().node().checkedWithWrite(lagNanos);
		}
	}

	/**
	 * The readers to ask, in order, before a read queues for a full writer pool (issue 10): a read
	 * about to wait for the writer while every writer connection is busy would queue for up to the
	 * writer's connection-timeout behind whatever holds them, although a replica usually shows a
	 * write milliseconds after its commit. The readers that may serve are asked: the others first,
	 * then the one passed over (if it still may serve). A read without a requirement takes the first
	 * reader that gives a connection; a read carrying a token takes one only after a check that it
	 * shows the write (the plans {@link RoutePlan#check() check} it, the caller bounds the waiting).
	 * A read whose write no replica can be asked about gets no reader.
	 * @param passedOver the reader the read was planned for, or passed over for the writer
	 * @param required the write the read must see, or {@code null}
	 * @param consistency read-after-write consistency, or {@code null} for none
	 * @return the reader plans to try in turn, possibly none
	 */
	public List<RoutePlan> planWhileWriterPoolFull(RouteDecision passedOver, ConsistencyToken.@Nullable Entry required,
			@Nullable ConsistencyGuard consistency) {
		if (required != null && (consistency == null || !canBeChecked(consistency, required))) {
			return Collections.emptyList();
		}
		int count = this.readers.size();
		int passedOverIndex = this.readers.indexOf(passedOver.route());
		int reason = passedOver.reason().ordinal();
		List<RoutePlan> plans = new ArrayList<>(count);
		for (int i = 1; i <= count; i++) {
			// The others first, the reader passed over last.
			int index = Math.floorMod(passedOverIndex + i, count);
			if (this.readerNodes[index].isAvailable()) {
				RoutePlan plain = this.readerPlans[index][reason];
				plans.add((required != null) ? new RoutePlan(plain.decision(), null, required, 0) : plain);
			}
		}
		return plans;
	}

	/**
	 * A read could not get or use a connection of a reader: reads keep away from it for a backoff,
	 * and this one goes to the writer.
	 * @param reader the reader's route
	 * @return the writer's decision
	 */
	public RouteDecision readerUnreachable(Route reader) {
		// Every failed read counts, not only the monitor's polls: a saturated pool or a node that
		// refuses the application keeps reads away for a backoff.
		reader.node().connectionFailed();
		return writerDecision(RouteReason.READER_DOWN);
	}

	/**
	 * The index of a reader that may serve (and, for a write, that the monitor last saw past it),
	 * or {@link #NONE}: round-robin, or the least lagging with ties taken in turn.
	 */
	private int nextStart() {
		int count = this.readerNodes.length;
		return (count <= 1) ? 0 : Math.floorMod(this.next.getAndIncrement(), count);
	}

	private int select(ConsistencyToken.@Nullable Entry write, int start) {
		NodeState[] nodes = this.readerNodes;
		int count = nodes.length;
		if (count == 0) {
			return NONE;
		}
		int chosen = NONE;
		long leastLag = Long.MAX_VALUE;
		for (int i = 0; i < count; i++) {
			int index = start + i;
			if (index >= count) {
				index -= count;
			}
			NodeState node = nodes[index];
			if (node.isAvailable()
					&& (write == null || node.hasReplayed(write.timeline(), write.position(), write.commitTimeMillis()))) {
				if (this.balancing == ReaderBalancing.ROUND_ROBIN) {
					return index;
				}
				long lag = node.lagNanos();
				if (lag < leastLag) {
					leastLag = lag;
					chosen = index;
				}
			}
		}
		return chosen;
	}

	/**
	 * Why no reader could be chosen: lag when a reader that is up lags, else reader-down.
	 */
	private RouteReason unavailableReason() {
		for (NodeState node : this.readerNodes) {
			if (node.unavailableReason() == ExclusionReason.LAG) {
				return RouteReason.LAG;
			}
		}
		return RouteReason.READER_DOWN;
	}

	/**
	 * The writer's plan for a reason.
	 * @param reason the reason
	 * @return the plan
	 */
	public RoutePlan writerPlan(RouteReason reason) {
		return this.writerPlans[reason.ordinal()];
	}

	/**
	 * The writer decision for a reason.
	 * @param reason the reason
	 * @return the decision
	 */
	public RouteDecision writerDecision(RouteReason reason) {
		return this.writerPlans[reason.ordinal()].decision();
	}

	/**
	 * Every decision this planner can make, for metrics that register their meters up front.
	 * @return the decisions
	 */
	public List<RouteDecision> decisions() {
		List<RouteDecision> all = new ArrayList<>();
		for (RoutePlan plan : this.writerPlans) {
			all.add(plan.decision());
		}
		for (RoutePlan[] byReason : this.readerPlans) {
			for (RoutePlan plan : byReason) {
				all.add(plan.decision());
			}
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
