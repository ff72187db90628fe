package io.github.rwrouting.topology;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitor's own robustness, without a database: nothing a poll throws ends a node's monitoring.
 */
class ReplicaMonitorTests {

	@Test
	void anErrorInAPollIsAFailedPollAndMonitoringGoesOn() {
		ClusterState cluster = new ClusterState(NodeState.writer("writer"), List.of());
		AtomicInteger polls = new AtomicInteger();
		CountDownLatch firstPollSeen = new CountDownLatch(1);
		NodeConnector connector = () -> {
			int poll = polls.incrementAndGet();
			if (poll == 1) {
				throw new NoClassDefFoundError("a class the driver needs");
			}
			if (poll == 2) {
				// Hold the next poll until the test has seen what the first one left.
				try {
					firstPollSeen.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			throw new SQLException("Connection refused", "08001");
		};
		ReplicaMonitor monitor = new ReplicaMonitor(cluster, Map.of("writer", connector),
				new DialectResolver(DialectType.POSTGRESQL), Duration.ofMillis(100), Duration.ofSeconds(1),
				(route) -> Duration.ofSeconds(1), List.of());
		monitor.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> polls.get() >= 2);
			assertThat(monitor.status("writer").up()).isFalse();
			assertThat(monitor.status("writer").error()).contains("NoClassDefFoundError");
			assertThat(cluster.writer().status().error()).as("written into the cluster state")
				.contains("NoClassDefFoundError");
			firstPollSeen.countDown();
			await().atMost(Duration.ofSeconds(30)).until(() -> polls.get() >= 3);
			assertThat(monitor.status("writer").error()).contains("SQLException");
		}
		finally {
			monitor.stop();
		}
	}

}
