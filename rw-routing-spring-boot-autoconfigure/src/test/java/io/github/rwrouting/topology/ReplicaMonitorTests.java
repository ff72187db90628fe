package io.github.rwrouting.topology;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
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


	/**
	 * A read's connection reports the reader promoted while a poll is in flight, its probe having
	 * seen a standby: that older answer must not let the reader serve again.
	 */
	@Test
	void aPollInFlightWhenAReadReportsThePromotionDoesNotReadmitTheReader() throws Exception {
		NodeState reader = NodeState.reader("one", true);
		ClusterState cluster = new ClusterState(NodeState.writer("writer"), List.of(reader));
		Semaphore readerProbes = new Semaphore(Integer.MAX_VALUE);
		AtomicInteger readerPolls = new AtomicInteger();
		NodeConnector writer = () -> probed(false, null);
		NodeConnector replica = () -> probed(true, () -> {
			readerProbes.acquire();
			readerPolls.incrementAndGet();
		});
		ReplicaMonitor monitor = new ReplicaMonitor(cluster, Map.of("writer", writer, "one", replica),
				new DialectResolver(DialectType.POSTGRESQL), Duration.ofMillis(50), Duration.ofSeconds(1),
				(route) -> Duration.ofSeconds(1), List.of());
		monitor.start();
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> readerPolls.get() >= 3 && reader.status().role() == NodeRole.REPLICA
						&& reader.isAvailable());
			// Hold the next probe of the reader: the poll is in flight, its probe about to see a standby.
			readerProbes.drainPermits();
			await().atMost(Duration.ofSeconds(30)).until(readerProbes::hasQueuedThreads);
			assertThat(reader.reportedNotInRecovery()).isTrue();
			int polled = readerPolls.get();
			readerProbes.release();
			// That poll ends; the one after is held again.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> readerPolls.get() > polled && readerProbes.hasQueuedThreads());
			assertThat(reader.isAvailable()).as("kept from reads by the newer report").isFalse();
			assertThat(reader.unavailableReason()).isEqualTo(ExclusionReason.NOT_A_REPLICA);
		}
		finally {
			readerProbes.release(Integer.MAX_VALUE / 2);
			monitor.stop();
		}
	}

	/**
	 * A connection answering the PostgreSQL dialect's probe: in recovery or not, position 1000,
	 * cluster 7 on timeline 1; {@code beforeAnswer} runs first.
	 */
	private static Connection probed(boolean inRecovery, @Nullable Blocking beforeAnswer) {
		return (Connection) Proxy.newProxyInstance(ReplicaMonitorTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (connection, method, args) -> switch (method.getName()) {
					case "prepareStatement" -> statement(inRecovery, beforeAnswer);
					case "isValid" -> true;
					case "isClosed", "isWrapperFor" -> false;
					default -> null;
				});
	}

	private static PreparedStatement statement(boolean inRecovery, @Nullable Blocking beforeAnswer) {
		return (PreparedStatement) Proxy.newProxyInstance(ReplicaMonitorTests.class.getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, (statement, method, args) -> {
					if (method.getName().equals("executeQuery")) {
						if (beforeAnswer != null) {
							beforeAnswer.run();
						}
						return result(inRecovery);
					}
					return null;
				});
	}

	private static ResultSet result(boolean inRecovery) {
		boolean[] read = { false };
		return (ResultSet) Proxy.newProxyInstance(ReplicaMonitorTests.class.getClassLoader(),
				new Class<?>[] { ResultSet.class }, (result, method, args) -> switch (method.getName()) {
					case "next" -> {
						boolean first = !read[0];
						read[0] = true;
						yield first;
					}
					case "getBoolean" -> inRecovery;
					case "getLong" -> ((int) args[0] == 2) ? 1000L : 7L;
					case "getInt" -> 1;
					case "wasNull" -> false;
					default -> null;
				});
	}

	@FunctionalInterface
	private interface Blocking {

		void run() throws InterruptedException;

	}

}
