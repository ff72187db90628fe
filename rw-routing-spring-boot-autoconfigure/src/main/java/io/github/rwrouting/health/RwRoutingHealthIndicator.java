package io.github.rwrouting.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReplicaMonitor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of read/write routing from what the replica monitor last saw: the writer (reachable, and
 * really the primary?) and each reader (up, role, lag, excluded and why). The application is DOWN
 * only when the writer is unreachable or reaches a replica; a lagging, dead, frozen or promoted
 * reader is shown but keeps the application UP, since reads fall back to the writer. Nothing here
 * queries the database, so the answer never waits on a node.
 *
 * @author rw-routing
 */
public class RwRoutingHealthIndicator extends AbstractHealthIndicator {

	private final ReplicaMonitor monitor;

	/**
	 * Create an indicator.
	 * @param monitor the replica monitor
	 */
	public RwRoutingHealthIndicator(ReplicaMonitor monitor) {
		super("rw-routing health check failed");
		this.monitor = monitor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<NodeStatus> statuses = this.monitor.statuses();
		if (statuses.isEmpty()) {
			builder.unknown().withDetail("monitoring", "not available for this database");
			return;
		}
		NodeStatus writer = statuses.get(0);
		if (writer.checkedAt() == null) {
			builder.unknown().withDetail("monitoring", "not polled yet");
		}
		else if (!writer.up()) {
			builder.down().withDetail("reason", "the writer is unreachable");
		}
		else if (writer.role() != NodeRole.PRIMARY) {
			builder.down()
				.withDetail("reason", "the writer pool reaches a read-only node (a replica): writes fail until "
						+ "its connections reach the primary again");
		}
		else {
			builder.up();
		}
		builder.withDetail("writer", details(writer));
		Map<String, Object> readers = new LinkedHashMap<>();
		for (NodeStatus reader : statuses.subList(1, statuses.size())) {
			readers.put(reader.name(), details(reader));
		}
		builder.withDetail("readers", readers);
	}

	private Map<String, Object> details(NodeStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("up", status.up());
		details.put("role", status.role().name().toLowerCase(java.util.Locale.ROOT));
		if (status.writer()) {
			details.put("primary", status.up() && status.role() == NodeRole.PRIMARY);
		}
		else {
			details.put("lagSeconds", status.lagNanos() / 1e9);
			if (status.lagBytes() >= 0) {
				details.put("lagBytes", status.lagBytes());
			}
			details.put("excluded", status.excluded());
			if (status.exclusionReason() != null) {
				details.put("exclusionReason", status.exclusionReason().value());
			}
			if (status.servedByWriterNode()) {
				details.put("writerNode", true);
			}
		}
		if (status.checkedAt() != null) {
			details.put("checkedAt", status.checkedAt().toString());
		}
		if (status.error() != null) {
			details.put("error", status.error());
		}
		return details;
	}

}
