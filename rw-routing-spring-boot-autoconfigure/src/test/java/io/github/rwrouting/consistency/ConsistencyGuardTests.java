package io.github.rwrouting.consistency;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.rwrouting.topology.ClusterIdentity;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.PostgresDialect;
import io.github.rwrouting.topology.ReplayCheck;
import io.github.rwrouting.topology.ReplicationPosition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard's own work without a database: what a token asks of a read, and the bounded wait. Where
 * a read goes with a token is the planner's ({@code ReadRoutePlannerTests}).
 */
class ConsistencyGuardTests {

	private static final long COMMITTED_AT = 1_000_000;

	private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);

	private final AtomicLong clock = new AtomicLong(COMMITTED_AT);

	private final ConsistencyContext context = new ConsistencyContext();

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, COMMITTED_AT);

	private ConsistencyGuard guard(Duration maxWait, DatabaseDialect dialect, @Nullable ClusterIdentity identity) {
		ClusterState cluster = new ClusterState(NodeState.writer("writer"), List.of(), dialect);
		if (identity != null) {
			cluster.writerIdentified(identity);
		}
		return new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context, cluster, maxWait,
				MONITOR_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(2), List.of(), this.clock::get);
	}

	@Test
	void withAnUnknownClusterIdentityAReadNeverTrustsAnotherClustersEntry() {
		ConsistencyGuard unknown = guard(Duration.ZERO, new PostgresDialect(), null);
		ConsistencyToken.Entry foreign = new ConsistencyToken.Entry(8, 1, 10, COMMITTED_AT - 100);
		this.context.set(new ConsistencyToken(List.of(foreign, this.write), COMMITTED_AT + 60_000));
		ConsistencyToken.Entry required = unknown.requirement();
		assertThat(required).isNotNull();
		assertThat(unknown.isForUnknownCluster(required)).as("which entry is this cluster's is unknown: the writer")
			.isTrue();
	}

	@Test
	void withAnUnknownClusterIdentityAnEntryForAnyClusterApplies() {
		ConsistencyGuard unknown = guard(Duration.ZERO, new PostgresDialect(), null);
		ConsistencyToken.Entry any = new ConsistencyToken.Entry(ConsistencyToken.ANY_CLUSTER, 0, -1, COMMITTED_AT);
		this.context.set(new ConsistencyToken(List.of(any), COMMITTED_AT + 60_000));
		assertThat(unknown.requirement()).isEqualTo(any);
		assertThat(unknown.isForUnknownCluster(any)).isFalse();
	}

	@Test
	void aTokenWithoutEntriesRequiresNothing() {
		ConsistencyGuard unknown = guard(Duration.ZERO, new PostgresDialect(), null);
		this.context.set(new ConsistencyToken(List.of(), COMMITTED_AT + 60_000));
		assertThat(unknown.requirement()).isNull();
	}

	@Test
	void anInterruptedReadStopsWaitingAndKeepsItsInterrupt() {
		ConsistencyGuard waiting = guard(Duration.ofSeconds(5), new BehindDialect(this.write.position() - 1),
				null);
		Thread.currentThread().interrupt();
		long start = System.nanoTime();
		try {
			ReplicaCheck found = waiting.awaitReplayed(null, this.write, 0);
			assertThat(found.hasReplayed()).isFalse();
			assertThat(found.outcome()).isEqualTo(ConsistencyOutcome.WRITER_FALLBACK);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well under max-wait")
				.isLessThan(Duration.ofSeconds(2));
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aReplicaFoundBehindTellsItsLagAsTheLastLookMeasuredIt() {
		ConsistencyGuard guard = guard(Duration.ZERO, new BehindDialect(this.write.position() - 1), null);
		ReplicaCheck found = guard.awaitReplayed(null, this.write, 0);
		assertThat(found.hasReplayed()).isFalse();
		assertThat(found.lagNanos()).isEqualTo(BehindDialect.LAG_NANOS);
		ReplicaCheck caughtUp = guard(Duration.ZERO, new BehindDialect(this.write.position()), null)
			.awaitReplayed(null, this.write, 0);
		assertThat(caughtUp.hasReplayed()).isTrue();
		assertThat(caughtUp.outcome()).as("counted by the caller, once the read runs there")
			.isEqualTo(ConsistencyOutcome.REPLICA_CHECKED);
	}

	/**
	 * A replica that stays at one replay position: the wait loop's logic, without a database.
	 */
	private static final class BehindDialect extends PostgresDialect {

		private final long replayed;

		BehindDialect(long replayed) {
			this.replayed = replayed;
		}

		static final long LAG_NANOS = 150_000_000;

		@Override
		public ReplicationPosition replayPosition(Connection connection) {
			return new ReplicationPosition(1, this.replayed);
		}

		@Override
		public ReplayCheck replayCheck(Connection connection) {
			return new ReplayCheck(replayPosition(connection), LAG_NANOS);
		}

	}

}
