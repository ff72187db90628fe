package io.github.rwrouting.consistency;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.PostgresDialect;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyGuardTests {

	private static final long COMMITTED_AT = 1_000_000;

	private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);

	private final AtomicLong clock = new AtomicLong(COMMITTED_AT);

	private final ConsistencyContext context = new ConsistencyContext();

	private final ConsistencyGuard guard = guard(Duration.ofMillis(20), PostgresDialect::new, null);

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, COMMITTED_AT);

	private ConsistencyGuard guard(Duration maxWait, Supplier<DatabaseDialect> dialect,
			@Nullable ClusterIdentity identity) {
		return new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context, dialect, () -> identity, maxWait,
				MONITOR_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
	}

	@Test
	void aReplicaReplaysAWriteAboutItsLagAfterTheCommit() {
		this.clock.set(COMMITTED_AT + 30);
		assertThat(this.guard.ageNanos(this.write)).isEqualTo(millis(30));
		assertThat(this.guard.expectedWaitNanos(this.write, millis(100))).isEqualTo(millis(70));
		assertThat(this.guard.expectedWaitNanos(this.write, millis(10))).isEqualTo(millis(-20));
	}

	@Test
	void theReplicaIsAskedOnlyWhenItShouldCatchUpWithinMaxWait() {
		this.clock.set(COMMITTED_AT + 5);
		assertThat(this.guard.tooFarBehind(this.write, this.guard.expectedWaitNanos(this.write, millis(25))))
			.as("expected in 20 ms: worth waiting for").isFalse();
		assertThat(this.guard.tooFarBehind(this.write, this.guard.expectedWaitNanos(this.write, millis(26))))
			.as("expected in 21 ms: not within max-wait").isTrue();
		this.clock.set(COMMITTED_AT + 500);
		assertThat(this.guard.tooFarBehind(this.write, this.guard.expectedWaitNanos(this.write, millis(200))))
			.as("a write older than the lag is worth asking about").isFalse();
	}

	@Test
	void aWriteWithoutPositionIsNeverAskedAbout() {
		ConsistencyToken.Entry timeOnly = new ConsistencyToken.Entry(7, 1, -1, COMMITTED_AT);
		this.clock.set(COMMITTED_AT + 500);
		assertThat(this.guard.tooFarBehind(timeOnly, this.guard.expectedWaitNanos(timeOnly, 0))).isTrue();
	}

	@Test
	void aReplicaFoundWithoutAWriteIsTakenToStandStillUntilTheMonitorMeasuresAgain() {
		this.clock.set(COMMITTED_AT + 30);
		long lag = this.guard.lagAfterMiss(this.write);
		assertThat(lag).isEqualTo(millis(30) + millis(20) + MONITOR_INTERVAL.toNanos());
		// The next read of the same write, or of one as young, before the monitor's next poll: not asked.
		for (long later : new long[] { 0, 5, 500, MONITOR_INTERVAL.toMillis() - 1 }) {
			this.clock.set(COMMITTED_AT + 30 + later);
			assertThat(this.guard.tooFarBehind(this.write, this.guard.expectedWaitNanos(this.write, lag)))
				.as("%d ms later", later)
				.isTrue();
		}
		ConsistencyToken.Entry younger = new ConsistencyToken.Entry(7, 1, 8192, COMMITTED_AT + 20);
		assertThat(this.guard.tooFarBehind(younger, this.guard.expectedWaitNanos(younger, lag))).isTrue();
	}

	@Test
	void withoutAMonitorAReplicaFoundBehindIsAskedAgainNextTime() {
		ConsistencyGuard unmonitored = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context,
				PostgresDialect::new, () -> null, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1),
				Duration.ofSeconds(2), List.of(), this.clock::get);
		this.clock.set(COMMITTED_AT + 30);
		assertThat(unmonitored.lagAfterMiss(this.write)).as("nothing would ever lower it again").isZero();
	}

	@Test
	void withAnUnknownClusterIdentityAReadNeverTrustsAnotherClustersEntry() {
		ConsistencyGuard unknown = guard(Duration.ZERO, PostgresDialect::new, null);
		ConsistencyToken.Entry foreign = new ConsistencyToken.Entry(8, 1, 10, COMMITTED_AT - 100);
		this.context.set(new ConsistencyToken(List.of(foreign, this.write), COMMITTED_AT + 60_000));
		ConsistencyToken.Entry required = unknown.requirement();
		assertThat(required).isNotNull();
		assertThat(unknown.writerOnly(required)).as("which entry is this cluster's is unknown: the writer")
			.isEqualTo(ConsistencyOutcome.WRITER_UNKNOWN_CLUSTER);
	}

	@Test
	void withAnUnknownClusterIdentityAnEntryForAnyClusterApplies() {
		ConsistencyGuard unknown = guard(Duration.ZERO, PostgresDialect::new, null);
		ConsistencyToken.Entry any = new ConsistencyToken.Entry(ConsistencyToken.ANY_CLUSTER, 0, -1, COMMITTED_AT);
		this.context.set(new ConsistencyToken(List.of(any), COMMITTED_AT + 60_000));
		assertThat(unknown.requirement()).isEqualTo(any);
		assertThat(unknown.writerOnly(any)).isNull();
	}

	@Test
	void aTokenWithoutEntriesRequiresNothing() {
		ConsistencyGuard unknown = guard(Duration.ZERO, PostgresDialect::new, null);
		this.context.set(new ConsistencyToken(List.of(), COMMITTED_AT + 60_000));
		assertThat(unknown.requirement()).isNull();
	}

	@Test
	void aTokenFromAnotherTimelineThanTheWritersGoesToTheWriter() {
		ConsistencyGuard known = guard(Duration.ZERO, PostgresDialect::new, new ClusterIdentity(7, 2));
		assertThat(known.writerOnly(this.write)).isEqualTo(ConsistencyOutcome.WRITER_STALE_TIMELINE);
		assertThat(known.writerOnly(new ConsistencyToken.Entry(7, 2, 4096, COMMITTED_AT))).isNull();
	}

	@Test
	void anInterruptedReadStopsWaitingAndKeepsItsInterrupt() {
		ConsistencyGuard waiting = guard(Duration.ofSeconds(5), () -> new BehindDialect(this.write.position() - 1),
				null);
		Thread.currentThread().interrupt();
		long start = System.nanoTime();
		try {
			assertThat(waiting.awaitReplayed(null, this.write, 0)).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well under max-wait")
				.isLessThan(Duration.ofSeconds(2));
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	private static long millis(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

	/**
	 * A replica that stays at one replay position: the wait loop's logic, without a database.
	 */
	private static final class BehindDialect extends PostgresDialect {

		private final long replayed;

		BehindDialect(long replayed) {
			this.replayed = replayed;
		}

		@Override
		public ReplicationPosition replayPosition(Connection connection) {
			return new ReplicationPosition(1, this.replayed);
		}

	}

}
