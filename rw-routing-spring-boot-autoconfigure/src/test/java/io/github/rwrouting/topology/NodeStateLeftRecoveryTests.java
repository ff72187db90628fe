package io.github.rwrouting.topology;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader connection that reports its server out of recovery, without a database: what it does to
 * the reader's state, depending on what the monitor last saw of the node.
 */
class NodeStateLeftRecoveryTests {

	@Test
	void aReaderTheMonitorSawAsAReplicaIsExcludedAsNotAReplica() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.REPLICA, false);
		node.replayed(new ReplicationPosition(1, 1000), 50);
		assertThat(node.reportedNotInRecovery()).isTrue();
		assertThat(node.isAvailable()).isFalse();
		assertThat(node.unavailableReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
		NodeStatus status = node.status();
		assertThat(status.excluded()).isTrue();
		assertThat(status.exclusionReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
		assertThat(status.role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(status.up()).isTrue();
		assertThat(node.hasReplayed(1, 900, 10)).as("its positions belong to another history now").isFalse();
		assertThat(node.isLeftRecoveryReported()).isTrue();
	}

	@Test
	void furtherReportsKeepReadsAwayWithoutMarkingItAgain() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.REPLICA, false);
		assertThat(node.reportedNotInRecovery()).isTrue();
		NodeStatus first = node.status();
		assertThat(node.reportedNotInRecovery()).isTrue();
		assertThat(node.status()).isSameAs(first);
	}

	@Test
	void theMonitorLettingItServeAgainForgetsTheReport() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.REPLICA, false);
		node.reportedNotInRecovery();
		node.markAvailable(0);
		assertThat(node.isLeftRecoveryReported()).isFalse();
		assertThat(node.isAvailable()).isTrue();
	}

	@Test
	void aReaderThatIsTheWritersOwnNodeServesOn() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.PRIMARY, true);
		assertThat(node.reportedNotInRecovery()).isFalse();
		assertThat(node.isAvailable()).isTrue();
		assertThat(node.isLeftRecoveryReported()).isFalse();
	}

	@Test
	void aReaderTheMonitorFoundNotAReplicaServesNothing() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.PRIMARY, false);
		assertThat(node.reportedNotInRecovery()).isTrue();
	}

	@Test
	void aReaderTheMonitorHasNotSeenYetIsLeftToTheMonitor() {
		NodeState node = NodeState.reader("one", true);
		assertThat(node.reportedNotInRecovery()).isFalse();
		assertThat(node.isAvailable()).isTrue();
	}

	@Test
	void aReaderEndpointOverSeveralNodesIsLeftToTheMonitor() {
		NodeState node = polled(NodeState.reader("one", false), NodeRole.REPLICA, false);
		assertThat(node.reportedNotInRecovery()).isFalse();
		assertThat(node.isAvailable()).isTrue();
	}

	@Test
	void theWriterIsNeverExcluded() {
		NodeState node = NodeState.writer("writer");
		node.status(new NodeStatus("writer", true, true, NodeRole.REPLICA, 0, 0, false, Instant.now(), null));
		assertThat(node.reportedNotInRecovery()).isFalse();
	}

	@Test
	void aPollThatBeganBeforeTheReportDoesNotLetTheReaderServeAgain() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.REPLICA, false);
		long pollStarted = System.nanoTime();
		// The poll saw a replica; a read's connection reports the promotion before the poll's answer lands.
		assertThat(node.reportedNotInRecovery()).isTrue();
		AtomicBoolean applied = new AtomicBoolean();
		assertThat(node.polled(pollStarted, () -> {
			applied.set(true);
			node.markAvailable(0);
		})).isFalse();
		assertThat(applied).isFalse();
		assertThat(node.isAvailable()).isFalse();
		assertThat(node.unavailableReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
		assertThat(node.isLeftRecoveryReported()).isTrue();
		// A poll that began after the report is newer: it decides.
		assertThat(node.polled(System.nanoTime(), () -> node.markAvailable(0))).isTrue();
		assertThat(node.isAvailable()).isTrue();
	}

	@Test
	void pollsApplyWhenNothingWasReported() {
		NodeState node = polled(NodeState.reader("one", true), NodeRole.REPLICA, false);
		long pollStarted = System.nanoTime();
		assertThat(node.polled(pollStarted, () -> node.markUnavailable(ExclusionReason.LAG, 0))).isTrue();
		assertThat(node.unavailableReason()).isEqualTo(ExclusionReason.LAG);
	}

	private static NodeState polled(NodeState node, NodeRole role, boolean writerNode) {
		node.markAvailable(0);
		node.status(new NodeStatus(node.name(), false, true, role, 0, 0, false, Instant.now(), null, null, writerNode));
		return node;
	}

}
