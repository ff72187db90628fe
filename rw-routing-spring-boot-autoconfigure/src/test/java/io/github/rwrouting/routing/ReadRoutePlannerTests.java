package io.github.rwrouting.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.MariaDbDialect;
import io.github.rwrouting.topology.MySqlDialect;
import io.github.rwrouting.topology.PostgresDialect;
import io.github.rwrouting.topology.ReplayCheck;
import io.github.rwrouting.topology.ReplicationPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Pure routing rules, without a database: the plan for each combination of transaction flags,
 * consistency token and cluster state. The database-backed behaviour is covered by the integration
 * tests.
 */
class ReadRoutePlannerTests {

	private static final long COMMITTED_AT = 1_000_000;

	private static final Duration MAX_WAIT = Duration.ofMillis(20);

	private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);

	private final Route writer = Route.writer("writer", dataSource());

	private final Route reader1 = Route.reader("one", "reader-one", dataSource());

	private final Route reader2 = Route.reader("two", "reader-two", dataSource());

	private final Route reader3 = Route.reader("three", "reader-three", dataSource());

	private final AtomicLong clock = new AtomicLong(COMMITTED_AT);

	private final ConsistencyContext context = new ConsistencyContext();

	private final ClusterState cluster = new ClusterState(this.writer.node(),
			List.of(this.reader1.node(), this.reader2.node()), new PostgresDialect());

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, COMMITTED_AT);

	@AfterEach
	void clearScope() {
		this.context.set(null);
	}

	@Test
	void readOnlyWorkGoesToAReader() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		RouteDecision decision = policy.decide(true, true);
		assertThat(decision.route()).isSameAs(this.reader1);
		assertThat(decision.reason()).isEqualTo(RouteReason.READ_ONLY);
	}

	@Test
	void readWriteTransactionGoesToTheWriter() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.READER);
		RouteDecision decision = policy.decide(false, true);
		assertThat(decision.route()).isSameAs(this.writer);
		assertThat(decision.reason()).isEqualTo(RouteReason.READ_WRITE);
	}

	@Test
	void nonTransactionalWorkFollowsTheSetting() {
		ReadRoutePlanner toWriter = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ReadRoutePlanner toReader = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.READER);
		assertThat(toWriter.decide(false, false).route()).isSameAs(this.writer);
		assertThat(toWriter.decide(false, false).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
		assertThat(toReader.decide(false, false).route()).isSameAs(this.reader1);
		assertThat(toReader.decide(false, false).reason()).isEqualTo(RouteReason.NON_TRANSACTIONAL);
	}

	@Test
	void readOnlyWorkFallsBackToTheWriterWithoutReaders() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(), NonTransactionalRoute.READER);
		assertThat(policy.decide(true, true).route()).isSameAs(this.writer);
		assertThat(policy.decide(true, true).reason()).isEqualTo(RouteReason.READER_DOWN);
		assertThat(policy.decide(false, false).reason()).isEqualTo(RouteReason.READER_DOWN);
	}

	@Test
	void readersTakeTurns() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2),
				NonTransactionalRoute.WRITER);
		Set<Route> seen = new HashSet<>();
		Route previous = null;
		for (int i = 0; i < 10; i++) {
			Route route = policy.decide(true, true).route();
			assertThat(route).isNotSameAs(previous);
			seen.add(route);
			previous = route;
		}
		assertThat(seen).containsExactlyInAnyOrder(this.reader1, this.reader2);
	}

	@Test
	void decisionsAreSharedSoRoutingAllocatesNothing() {
		ReadRoutePlanner policy = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		assertThat(policy.decide(true, true)).isSameAs(policy.decide(true, true));
		assertThat(policy.decide(false, true)).isSameAs(policy.decide(false, true));
	}

	@Test
	void rejectsAReaderAsWriter() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ReadRoutePlanner(this.reader1, List.of(), NonTransactionalRoute.WRITER));
	}

	@Test
	void roundRobinSkipsUnavailableReaders() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2, this.reader3),
				NonTransactionalRoute.WRITER);
		this.reader2.node().markUnavailable(ExclusionReason.LAG, 5);
		List<Route> chosen = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			chosen.add(planner.decide(true, true).route());
		}
		assertThat(chosen).doesNotContain(this.reader2).contains(this.reader1, this.reader3);
	}

	@Test
	void leastLagPicksTheReaderClosestToTheWriter() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2, this.reader3),
				NonTransactionalRoute.WRITER, ReaderBalancing.LEAST_LAG);
		this.reader1.node().markAvailable(300);
		this.reader2.node().markAvailable(100);
		this.reader3.node().markAvailable(200);
		for (int i = 0; i < 5; i++) {
			assertThat(planner.decide(true, true).route()).isSameAs(this.reader2);
		}
	}

	@Test
	void leastLagTakesTurnsOnTies() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2),
				NonTransactionalRoute.WRITER, ReaderBalancing.LEAST_LAG);
		Set<Route> chosen = new HashSet<>();
		for (int i = 0; i < 4; i++) {
			chosen.add(planner.decide(true, true).route());
		}
		assertThat(chosen).containsExactlyInAnyOrder(this.reader1, this.reader2);
	}

	@Test
	void everyReaderOutGoesToTheWriterWithTheReason() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2),
				NonTransactionalRoute.WRITER);
		this.reader1.node().markUnavailable(ExclusionReason.DOWN, 0);
		this.reader2.node().markUnavailable(ExclusionReason.NOT_A_REPLICA, 0);
		assertThat(planner.decide(true, true)).isSameAs(planner.writerDecision(RouteReason.READER_DOWN));
		this.reader2.node().markUnavailable(ExclusionReason.LAG, 0);
		assertThat(planner.decide(true, true)).isSameAs(planner.writerDecision(RouteReason.LAG));
	}

	@Test
	void aWriterScopeSendsReadsToTheWriter() {
		ReadRoutePlanner planner = planner();
		RouteDecision decision = WriterRouting.call(() -> planner.decide(true, true));
		assertThat(decision).isSameAs(planner.writerDecision(RouteReason.FORCED));
	}

	@Test
	void anUnreachableReaderIsKeptFromReadsAndTheReadGoesToTheWriter() {
		ReadRoutePlanner planner = planner();
		RouteDecision fallback = planner.readerUnreachable(this.reader1);
		assertThat(fallback).isSameAs(planner.writerDecision(RouteReason.READER_DOWN));
		for (int i = 0; i < 4; i++) {
			assertThat(planner.decide(true, true).route()).isSameAs(this.reader2);
		}
	}

	@Test
	void withoutATokenAReadGoesToAReaderWithoutACheck() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		RoutePlan plan = planner.plan(true, true, guard);
		assertThat(plan.decision().route()).isSameAs(this.reader1);
		assertThat(plan.check()).isNull();
		assertThat(plan.outcome()).isNull();
		assertThat(planner.plan(true, true, guard)).as("shared: planning allocates nothing").isSameAs(plan);
	}

	@Test
	void aReaderTheMonitorSawPastTheWriteServesWithoutACheck() {
		ReadRoutePlanner planner = planner();
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.reader2.node().replayed(new ReplicationPosition(1, 8192), COMMITTED_AT - 500);
		this.context.set(token(this.write));
		for (int i = 0; i < 4; i++) {
			RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
			assertThat(plan.decision().route()).isSameAs(this.reader2);
			assertThat(plan.decision().reason()).isEqualTo(RouteReason.READ_ONLY);
			assertThat(plan.check()).isNull();
			assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.REPLICA_CAUGHT_UP);
		}
	}

	@Test
	void aReaderExpectedToCatchUpWithinMaxWaitIsCheckedFirst() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.reader1.node().markAvailable(millis(25));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 5);
		RoutePlan plan = planner.plan(true, true, guard(Duration.ZERO));
		assertThat(plan.decision().route()).as("expected in 20 ms: worth waiting for").isSameAs(this.reader1);
		assertThat(plan.check()).isEqualTo(this.write);
		assertThat(plan.expectedWaitNanos()).isEqualTo(millis(20));
		assertThat(plan.outcome()).isNull();
		this.reader1.node().markAvailable(millis(26));
		assertThat(planner.plan(true, true, guard(Duration.ZERO)).outcome()).as("expected in 21 ms: not within max-wait")
			.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		this.reader1.node().markAvailable(millis(200));
		this.clock.set(COMMITTED_AT + 500);
		RoutePlan older = planner.plan(true, true, guard(Duration.ZERO));
		assertThat(older.check()).as("a write older than the lag is worth asking about").isEqualTo(this.write);
		assertThat(older.expectedWaitNanos()).isEqualTo(millis(-300));
	}

	@Test
	void aMonitoredLagIsTakenWithinHalfAMonitorInterval() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(Duration.ofMillis(100));
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 10);
		// 10 ms old, max-wait 20 ms: reachable at a lag of 30 ms, and 30 ms is within 50 ms of 80 ms.
		this.reader1.node().markAvailable(millis(80));
		RoutePlan plan = planner.plan(true, true, guard);
		assertThat(plan.check()).as("the measured lag may overstate it: asked").isEqualTo(this.write);
		assertThat(plan.expectedWaitNanos()).isEqualTo(millis(70));
		this.reader1.node().markAvailable(millis(81));
		assertThat(planner.plan(true, true, guard).outcome()).as("more than half an interval beyond reach")
			.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
	}

	@Test
	void aWriteWithoutPositionIsNeverAskedAbout() {
		ReadRoutePlanner planner = planner();
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(new ConsistencyToken.Entry(7, 1, -1, COMMITTED_AT)));
		this.clock.set(COMMITTED_AT + 500);
		RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
		assertThat(plan.decision()).isSameAs(planner.writerDecision(RouteReason.CONSISTENCY));
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
	}

	@Test
	void aReaderFoundWithoutTheWriteAndItsLagUntoldIsTakenToStandStillShortOfItUntilTheMonitorMeasuresAgain() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		RoutePlan checked = planner.plan(true, true, guard);
		assertThat(checked.check()).isEqualTo(this.write);
		RoutePlan fallback = planner.checkFailed(checked, guard, ReplayCheck.UNKNOWN_LAG);
		assertThat(fallback.decision()).isSameAs(planner.writerDecision(RouteReason.CONSISTENCY));
		assertThat(fallback.outcome()).isEqualTo(ConsistencyOutcome.WRITER_FALLBACK);
		assertThat(this.reader1.node().lagNanos()).as("it lags at least the write's age").isEqualTo(millis(30));
		// The next read of the same write, however much later before the monitor's next poll: not asked.
		for (long later : new long[] { 0, 5, 500, MONITOR_INTERVAL.toMillis() - 1 }) {
			this.clock.set(COMMITTED_AT + 30 + later);
			assertThat(planner.plan(true, true, guard).outcome()).as("%d ms later", later)
				.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		}
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 8192, COMMITTED_AT + 20)));
		assertThat(planner.plan(true, true, guard).outcome()).as("a younger write")
			.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		// An older write is still asked about: a replica that keeps its lag has replayed it.
		this.clock.set(COMMITTED_AT + 31);
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 2048, COMMITTED_AT - 1)));
		assertThat(planner.plan(true, true, guard).check()).as("a write 32 ms old").isNotNull();
		// The monitor's next poll measures it again and forgets the miss.
		this.reader1.node().markAvailable(millis(5));
		this.context.set(token(this.write));
		assertThat(planner.plan(true, true, guard).check()).isEqualTo(this.write);
	}

	@Test
	void aReaderFoundWithoutTheWriteIsTakenToKeepTheLagItsCheckMeasured() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		RoutePlan checked = planner.plan(true, true, guard);
		assertThat(checked.check()).isEqualTo(this.write);
		// The check found it 150 ms behind (its last replayed commit was 150 ms old).
		RoutePlan fallback = planner.checkFailed(checked, guard, millis(150));
		assertThat(fallback.outcome()).isEqualTo(ConsistencyOutcome.WRITER_FALLBACK);
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(150));
		assertThat(this.reader1.node().lagNanos()).as("least-lag balancing sees it").isEqualTo(millis(150));
		// The page's next reads of the same write: not asked until it is 150 ms old, less max-wait (20 ms).
		for (long age : new long[] { 30, 31, 100, 129 }) {
			this.clock.set(COMMITTED_AT + age);
			assertThat(planner.plan(true, true, guard).outcome()).as("%d ms old", age)
				.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		}
		// Then asked again, before the monitor's next poll: the replica kept replaying.
		this.clock.set(COMMITTED_AT + 130);
		RoutePlan again = planner.plan(true, true, guard);
		assertThat(again.check()).as("130 ms old, the poll 1 s away").isEqualTo(this.write);
		assertThat(again.expectedWaitNanos()).isEqualTo(millis(20));
		this.clock.set(COMMITTED_AT + 31);
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 2048, COMMITTED_AT - 119)));
		assertThat(planner.plan(true, true, guard).check()).as("an older write, 150 ms old").isNotNull();
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 2048, COMMITTED_AT - 90)));
		assertThat(planner.plan(true, true, guard).outcome()).as("an older write, 121 ms old")
			.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		// The monitor's next poll measures it again and forgets the check's lag.
		this.reader1.node().markAvailable(millis(5));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(ReplayCheck.UNKNOWN_LAG);
		this.context.set(token(this.write));
		assertThat(planner.plan(true, true, guard).check()).isEqualTo(this.write);
	}

	@Test
	void aCheckThatFoundTheWriteTellsTheReplicasLagToo() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		planner.checkFailed(planner.plan(true, true, guard), guard, millis(150));
		// Another read's check finds its older write, and the replica 40 ms behind: it caught up.
		this.clock.set(COMMITTED_AT + 200);
		RoutePlan older = planner.plan(true, true, guard);
		planner.checkPassed(older, guard, millis(40));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(40));
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 8192, COMMITTED_AT + 180)));
		assertThat(planner.plan(true, true, guard).check()).as("20 ms old: expected within max-wait").isNotNull();
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 8192, COMMITTED_AT + 190)));
		assertThat(planner.plan(true, true, guard).outcome()).as("10 ms old")
			.isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		// Without a monitor nothing would forget it: not recorded.
		this.reader1.node().markAvailable(0);
		ConsistencyGuard unmonitored = guard(Duration.ZERO);
		planner.checkPassed(planner.plan(true, true, unmonitored), unmonitored, millis(40));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(ReplayCheck.UNKNOWN_LAG);
	}

	@Test
	void aCheckThatFoundTheWriteOnAQuietPrimaryDoesNotRaiseTheLag() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		// Read 2 s after the only write: the replica has it, and its last replayed commit is 2 s old.
		this.clock.set(COMMITTED_AT + 2000);
		planner.checkPassed(planner.plan(true, true, guard), guard, millis(2000));
		assertThat(this.reader1.node().checkedLagNanos()).as("not a lag: the primary was quiet")
			.isEqualTo(ReplayCheck.UNKNOWN_LAG);
		// A new write read 50 ms later is asked about: the monitor's lag (0) decides.
		this.context.set(token(new ConsistencyToken.Entry(7, 1, 8192, COMMITTED_AT + 1950)));
		assertThat(planner.plan(true, true, guard).check()).as("50 ms old").isNotNull();
		// After a miss, a pass lowers the miss's estimate, never raises it.
		planner.checkFailed(planner.plan(true, true, guard), guard, millis(300));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(300));
		this.context.set(token(this.write));
		RoutePlan older = planner.plan(true, true, guard);
		assertThat(older.check()).as("2 s old, past the 300 ms lag").isEqualTo(this.write);
		planner.checkPassed(older, guard, millis(900));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(300));
		planner.checkPassed(planner.plan(true, true, guard), guard, millis(100));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(100));
	}

	@Test
	void aLagMeasuredShorterThanTheMissedWritesAgeCountsAsThatAge() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		// A replica whose clock is behind the primary's: it lacked a 30 ms old write, so it lags 30 ms at least.
		planner.checkFailed(planner.plan(true, true, guard), guard, millis(2));
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(millis(30));
	}

	@Test
	void withoutAMonitorAReaderFoundBehindIsAskedAgainNextTime() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard unmonitored = guard(Duration.ZERO);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		planner.checkFailed(planner.plan(true, true, unmonitored), unmonitored, millis(150));
		assertThat(this.reader1.node().lagNanos()).as("nothing would ever lower it again").isZero();
		assertThat(this.reader1.node().checkedLagNanos()).isEqualTo(ReplayCheck.UNKNOWN_LAG);
		assertThat(planner.plan(true, true, unmonitored).check()).isEqualTo(this.write);
	}

	@Test
	void aTokenFromAnotherTimelineThanTheWritersGoesToTheWriter() {
		ReadRoutePlanner planner = planner();
		this.cluster.writerIdentified(new ClusterIdentity(7, 2));
		this.context.set(token(this.write));
		RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
		assertThat(plan.decision()).isSameAs(planner.writerDecision(RouteReason.CONSISTENCY));
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_STALE_TIMELINE);
		this.context.set(token(new ConsistencyToken.Entry(7, 2, 4096, COMMITTED_AT)));
		assertThat(planner.plan(true, true, guard(MONITOR_INTERVAL)).decision().route().isReader()).isTrue();
	}

	@Test
	void aTokenReadBeforeTheClusterIsKnownGoesToTheWriter() {
		ReadRoutePlanner planner = planner();
		this.context.set(token(this.write));
		RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
		assertThat(plan.decision()).isSameAs(planner.writerDecision(RouteReason.CONSISTENCY));
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_UNKNOWN_CLUSTER);
	}

	@Test
	void inTheTimeWindowReadsGoToTheWriterThenToReadersAgain() {
		ReadRoutePlanner planner = planner();
		ConsistencyGuard window = new ConsistencyGuard(ConsistencyMode.TIME_WINDOW, this.context, this.cluster, MAX_WAIT,
				MONITOR_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 1999);
		assertThat(planner.plan(true, true, window).outcome()).isEqualTo(ConsistencyOutcome.WRITER_TIME_WINDOW);
		this.clock.set(COMMITTED_AT + 2000);
		RoutePlan after = planner.plan(true, true, window);
		assertThat(after.decision().route().isReader()).isTrue();
		assertThat(after.outcome()).isNull();
	}

	@Test
	void aTokenNeverKeepsAReadFromTheWriterOrWritesFromIt() {
		ReadRoutePlanner planner = planner();
		this.context.set(token(this.write));
		this.reader1.node().markUnavailable(ExclusionReason.DOWN, 0);
		this.reader2.node().markUnavailable(ExclusionReason.DOWN, 0);
		assertThat(planner.plan(true, true, guard(MONITOR_INTERVAL)))
			.as("no reader: the writer, not a consistency fallback")
			.isSameAs(planner.writerPlan(RouteReason.READER_DOWN));
		assertThat(planner.plan(false, true, guard(MONITOR_INTERVAL))).isSameAs(planner.writerPlan(RouteReason.READ_WRITE));
	}

	@Test
	void aTokenReadPastAReaderBehindAsksEveryReaderForTheWriteWhenTheWriterPoolIsFull() {
		List<Route> readers = List.of(this.reader1, this.reader2, this.reader3);
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, readers, NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		readers.forEach((reader) -> reader.node().markAvailable(millis(1500)));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 5);
		RoutePlan plan = planner.plan(true, true, guard);
		assertThat(plan.decision()).isSameAs(planner.writerDecision(RouteReason.CONSISTENCY));
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		assertThat(plan.required()).isEqualTo(this.write);
		RouteDecision passedOver = plan.passedOver();
		assertThat(passedOver).as("the reader judged too far behind").isNotNull();
		assertThat(passedOver.route().isReader()).isTrue();
		assertThat(passedOver.reason()).isEqualTo(RouteReason.READ_ONLY);
		int passed = readers.indexOf(passedOver.route());
		List<RoutePlan> detour = planner.planWhileWriterPoolFull(passedOver, plan.required(), guard);
		assertThat(detour).extracting((candidate) -> candidate.decision().route())
			.as("the others first, the one passed over last")
			.containsExactly(readers.get((passed + 1) % 3), readers.get((passed + 2) % 3), passedOver.route());
		assertThat(detour).allSatisfy((candidate) -> {
			assertThat(candidate.check()).as("each must show the write").isEqualTo(this.write);
			assertThat(candidate.decision().reason()).isEqualTo(RouteReason.READ_ONLY);
			assertThat(candidate.outcome()).as("its check counts the outcome").isNull();
		});
	}

	@Test
	void aPlainReadWhoseReaderIsUnreachableTakesAnyOtherReaderThatMayServe() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2, this.reader3),
				NonTransactionalRoute.WRITER);
		this.reader2.node().markUnavailable(ExclusionReason.DOWN, 0);
		RouteDecision unreachable = planner.decisions()
			.stream()
			.filter((decision) -> decision.route() == this.reader1 && decision.reason() == RouteReason.READ_ONLY)
			.findFirst()
			.orElseThrow();
		List<RoutePlan> detour = planner.planWhileWriterPoolFull(unreachable, null, null);
		assertThat(detour).extracting((candidate) -> candidate.decision().route())
			.as("reader two is kept from reads")
			.containsExactly(this.reader3, this.reader1);
		assertThat(detour).allSatisfy((candidate) -> assertThat(candidate.check()).isNull());
		assertThat(detour.get(0)).as("shared plans").isSameAs(planner.planWhileWriterPoolFull(unreachable, null, null).get(0));
	}

	@Test
	void aReaderFoundWithoutTheWriteIsPassedOverForTheWriter() {
		ReadRoutePlanner planner = new ReadRoutePlanner(this.writer, List.of(this.reader1), NonTransactionalRoute.WRITER);
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.context.set(token(this.write));
		this.clock.set(COMMITTED_AT + 30);
		RoutePlan checked = planner.plan(true, true, guard);
		assertThat(checked.required()).isEqualTo(this.write);
		assertThat(checked.passedOver()).isNull();
		RoutePlan fallback = planner.checkFailed(checked, guard, ReplayCheck.UNKNOWN_LAG);
		assertThat(fallback.passedOver()).isSameAs(checked.decision());
		assertThat(fallback.required()).isEqualTo(this.write);
		assertThat(planner.planWhileWriterPoolFull(fallback.passedOver(), fallback.required(), guard))
			.extracting(RoutePlan::check)
			.as("the only reader, asked again within the detour's wait")
			.containsExactly(this.write);
	}

	@Test
	void readsCarryingATokenTakeTurnsOnReadersPastTheWrite() {
		ReadRoutePlanner planner = planner();
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.reader1.node().replayed(new ReplicationPosition(1, 8192), COMMITTED_AT - 500);
		this.reader2.node().replayed(new ReplicationPosition(1, 8192), COMMITTED_AT - 500);
		this.context.set(token(this.write));
		List<Route> served = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
			assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.REPLICA_CAUGHT_UP);
			served.add(plan.decision().route());
		}
		assertThat(served).as("one turn of the round robin per read, not two")
			.containsExactly(this.reader1, this.reader2, this.reader1, this.reader2);
	}

	@Test
	void aReaderTheMonitorSawPastTheWriteCarriesTheWriteForAnotherReader() {
		ReadRoutePlanner planner = planner();
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		this.reader2.node().replayed(new ReplicationPosition(1, 8192), COMMITTED_AT - 500);
		this.context.set(token(this.write));
		RoutePlan plan = planner.plan(true, true, guard(MONITOR_INTERVAL));
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.REPLICA_CAUGHT_UP);
		assertThat(plan.check()).isNull();
		assertThat(plan.required()).as("should reader two be unreachable, another must show the write")
			.isEqualTo(this.write);
	}

	@Test
	void aReadThatOnlyTheWriterMayServeAsksNoReaderWhenTheWriterPoolIsFull() {
		ReadRoutePlanner planner = planner();
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		ConsistencyToken.Entry unpositioned = new ConsistencyToken.Entry(7, 1, -1, COMMITTED_AT);
		this.context.set(token(unpositioned));
		this.clock.set(COMMITTED_AT + 500);
		RoutePlan noPosition = planner.plan(true, true, guard);
		assertThat(noPosition.outcome()).isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		assertThat(noPosition.passedOver()).as("nothing to ask a replica about").isNull();
		RouteDecision reader = planner.decide(true, true);
		assertThat(planner.planWhileWriterPoolFull(reader, unpositioned, guard)).isEmpty();
		assertThat(planner.planWhileWriterPoolFull(reader, this.write, null)).as("a token but no guard").isEmpty();
		this.cluster.writerIdentified(new ClusterIdentity(7, 2));
		this.context.set(token(this.write));
		RoutePlan staleTimeline = planner.plan(true, true, guard);
		assertThat(staleTimeline.outcome()).isEqualTo(ConsistencyOutcome.WRITER_STALE_TIMELINE);
		assertThat(staleTimeline.passedOver()).isNull();
		this.context.set(null);
		RoutePlan plain = planner.plan(true, true, guard);
		assertThat(plain.required()).isNull();
		assertThat(plain.passedOver()).isNull();
	}

	@Test
	void aWriteWithNoReplicaPositionGoesToTheWriterWhateverTheReadersReplayed() {
		ReadRoutePlanner planner = planner();
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(7, 1));
		// Both readers past the commit by time: enough for an unknown position, not for this one.
		this.reader1.node().replayed(ReplicationPosition.UNKNOWN, COMMITTED_AT + 100);
		this.reader2.node().replayed(ReplicationPosition.UNKNOWN, COMMITTED_AT + 100);
		this.clock.set(COMMITTED_AT + 500);
		this.context.set(token(new ConsistencyToken.Entry(7, 1, -1, COMMITTED_AT)));
		assertThat(planner.plan(true, true, guard).outcome()).as("commit time only")
			.isEqualTo(ConsistencyOutcome.REPLICA_CAUGHT_UP);
		ConsistencyToken.Entry writerOnly = new ConsistencyToken.Entry(7, 1,
				ConsistencyToken.Entry.NO_REPLICA_POSITION, COMMITTED_AT);
		this.context.set(token(writerOnly));
		RoutePlan plan = planner.plan(true, true, guard);
		assertThat(plan.decision().route()).isSameAs(this.writer);
		assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		assertThat(plan.check()).isNull();
		assertThat(planner.planWhileWriterPoolFull(planner.decide(true, true), writerOnly, guard)).isEmpty();
	}

	@Test
	void aWriteWithNoPositionGoesToTheWriterWhereTheLagCountsTransactions() {
		ReadRoutePlanner planner = planner();
		ConsistencyGuard guard = guard(MONITOR_INTERVAL);
		this.cluster.writerIdentified(new ClusterIdentity(MySqlDialect.CLUSTER_ID, 1));
		ConsistencyToken.Entry unpositioned = new ConsistencyToken.Entry(MySqlDialect.CLUSTER_ID, 1, -1, COMMITTED_AT);
		this.context.set(token(unpositioned));
		this.clock.set(COMMITTED_AT + 500);
		// Before the monitor's first poll no dialect is known, and no reader was measured either.
		ClusterState undetected = new ClusterState(this.writer.node(), List.of(this.reader1.node(), this.reader2.node()));
		undetected.writerIdentified(new ClusterIdentity(MySqlDialect.CLUSTER_ID, 1));
		ConsistencyGuard beforeFirstPoll = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context,
				undetected, MAX_WAIT, MONITOR_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(),
				this.clock::get);
		assertThat(planner.plan(true, true, beforeFirstPoll).decision().route()).as("no dialect yet")
			.isSameAs(this.writer);
		// Both readers past the commit by time: enough where lag is measured in time only.
		this.reader1.node().replayed(ReplicationPosition.UNKNOWN, COMMITTED_AT + 100);
		this.reader2.node().replayed(ReplicationPosition.UNKNOWN, COMMITTED_AT + 100);
		for (DatabaseDialect countsTransactions : List.of(new MySqlDialect(), new MariaDbDialect())) {
			this.cluster.dialectDetected(countsTransactions);
			RoutePlan plan = planner.plan(true, true, guard);
			assertThat(plan.decision().route()).as(countsTransactions.name()).isSameAs(this.writer);
			assertThat(plan.outcome()).isEqualTo(ConsistencyOutcome.WRITER_REPLICA_BEHIND);
			assertThat(plan.check()).isNull();
			assertThat(planner.planWhileWriterPoolFull(planner.decide(true, true), unpositioned, guard)).isEmpty();
		}
		this.cluster.dialectDetected(new PostgresDialect());
		assertThat(planner.plan(true, true, guard).outcome()).as("lag in time: commit time decides")
			.isEqualTo(ConsistencyOutcome.REPLICA_CAUGHT_UP);
	}

	private ReadRoutePlanner planner() {
		return new ReadRoutePlanner(this.writer, List.of(this.reader1, this.reader2), NonTransactionalRoute.WRITER);
	}

	private ConsistencyGuard guard(Duration remeasureInterval) {
		return new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context, this.cluster, MAX_WAIT,
				remeasureInterval, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
	}

	private ConsistencyToken token(ConsistencyToken.Entry entry) {
		return new ConsistencyToken(List.of(entry), COMMITTED_AT + 60_000);
	}

	private static long millis(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

	private static DataSource dataSource() {
		return new SimpleDriverDataSource();
	}

}
