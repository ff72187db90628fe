package io.github.rwrouting.topology;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwrouting.routing.NonTransactionalRoute;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitor's own robustness, without a database: nothing a poll throws ends a node's monitoring.
 */
class ReplicaMonitorTests {

	@Test
	void anErrorInAPollIsAFailedPollAndMonitoringGoesOn() {
		Route writer = Route.writer("writer", new SimpleDriverDataSource());
		RoutingPolicy policy = new RoutingPolicy(writer, List.of(), NonTransactionalRoute.WRITER);
		AtomicInteger polls = new AtomicInteger();
		NodeConnector connector = () -> {
			if (polls.incrementAndGet() == 1) {
				throw new NoClassDefFoundError("a class the driver needs");
			}
			throw new SQLException("Connection refused", "08001");
		};
		ReplicaMonitor monitor = new ReplicaMonitor(policy, Map.of(writer, connector), new DialectResolver("postgresql"),
				Duration.ofMillis(100), Duration.ofSeconds(1), (route) -> Duration.ofSeconds(1), List.of());
		monitor.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> monitor.status(writer).checkedAt() != null);
			assertThat(monitor.status(writer).up()).isFalse();
			assertThat(monitor.status(writer).error()).contains("NoClassDefFoundError");
			await().atMost(Duration.ofSeconds(30)).until(() -> polls.get() >= 3);
			assertThat(monitor.status(writer).error()).contains("SQLException");
		}
		finally {
			monitor.stop();
		}
	}

}
