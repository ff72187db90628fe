package io.github.rwrouting.topology;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reads that fail to use a reader exclude it for a backoff, whether or not a monitor watches it.
 */
class NodeStateFailureTests {

	@Test
	void aFailedReadExcludesTheReaderUntilTheBackoffIsOverWithoutAMonitor() {
		NodeState health = NodeState.reader("one", true);
		health.failureBackoff(Duration.ofMillis(300), Duration.ofSeconds(5));
		long failedAt = System.nanoTime();
		assertThat(health.connectionFailed()).isTrue();
		assertThat(health.isAvailable()).isFalse();
		assertThat(health.unavailableReason()).isEqualTo(ExclusionReason.CONNECTION_FAILURES);
		assertThat(health.isFailureBackoff()).isTrue();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(health::isAvailable);
		assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void concurrentFailuresWithinOneBackoffCountOnce() {
		NodeState health = NodeState.reader("one", true);
		health.failureBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60));
		assertThat(health.connectionFailed()).isTrue();
		assertThat(health.connectionFailed()).isFalse();
		assertThat(health.connectionFailed()).isFalse();
		assertThat(health.isFailureBackoff()).isTrue();
	}

	@Test
	void repeatedFailuresDoubleTheBackoff() {
		NodeState health = NodeState.reader("one", true);
		health.failureBackoff(Duration.ofMillis(200), Duration.ofSeconds(30));
		health.connectionFailed();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(health::isAvailable);
		long secondFailure = System.nanoTime();
		health.connectionFailed();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(health::isAvailable);
		assertThat(Duration.ofNanos(System.nanoTime() - secondFailure)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void aMonitoredReaderWaitsForTheMonitorToLetItRejoin() {
		NodeState health = NodeState.reader("one", true);
		health.monitored();
		health.failureBackoff(Duration.ofMillis(250), Duration.ofSeconds(5));
		health.connectionFailed();
		await().atMost(Duration.ofSeconds(10)).until(() -> !health.isFailureBackoff());
		assertThat(health.isAvailable()).isFalse();
		health.markAvailable(0);
		assertThat(health.isAvailable()).isTrue();
	}

}
