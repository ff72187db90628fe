package io.github.rwrouting.consistency;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.rwrouting.topology.PostgresDialect;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyGuardTests {

	private static final long COMMITTED_AT = 1_000_000;

	private final AtomicLong clock = new AtomicLong(COMMITTED_AT);

	private final ConsistencyGuard guard = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES,
			new ConsistencyContext(), PostgresDialect::new, () -> null, Duration.ofMillis(20), Duration.ofMinutes(1),
			Duration.ofSeconds(2), List.of(), this.clock::get);

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, COMMITTED_AT);

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
	void withAnUnknownClusterIdentityAReadNeverTrustsAnotherClustersEntry() {
		ConsistencyContext context = new ConsistencyContext();
		ConsistencyGuard unknown = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, context, PostgresDialect::new,
				() -> null, Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
		ConsistencyToken.Entry foreign = new ConsistencyToken.Entry(8, 1, 10, COMMITTED_AT - 100);
		context.set(new ConsistencyToken(List.of(foreign, this.write), COMMITTED_AT + 60_000));
		ConsistencyToken.Entry required = unknown.requirement();
		assertThat(required).isNotNull();
		assertThat(unknown.writerOnly(required)).as("which entry is this cluster's is unknown: the writer").isNotNull();
	}

	@Test
	void aTokenWithoutEntriesRequiresNothing() {
		ConsistencyContext context = new ConsistencyContext();
		ConsistencyGuard unknown = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, context, PostgresDialect::new,
				() -> null, Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
		context.set(new ConsistencyToken(List.of(), COMMITTED_AT + 60_000));
		assertThat(unknown.requirement()).isNull();
	}

	@Test
	void anInterruptedReadStopsWaitingAndKeepsItsInterrupt() {
		ConsistencyGuard waiting = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, new ConsistencyContext(),
				() -> new BehindDialect(this.write.position() - 1), () -> null, Duration.ofSeconds(5),
				Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
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
		public long replayPosition(Connection connection) {
			return this.replayed;
		}

	}

}
