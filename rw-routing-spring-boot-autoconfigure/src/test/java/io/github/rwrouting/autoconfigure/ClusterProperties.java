package io.github.rwrouting.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;

/**
 * The properties a user would write for a cluster: the writer on {@code spring.datasource.*}, one
 * reader per replica, named after it.
 */
public final class ClusterProperties {

	private ClusterProperties() {
	}

	public static String[] of(PostgresCluster cluster, String... extra) {
		List<String> properties = new ArrayList<>();
		properties.add("spring.datasource.url=" + cluster.primary().jdbcUrl());
		properties.add("spring.datasource.username=" + cluster.username());
		if (cluster.password() != null) {
			properties.add("spring.datasource.password=" + cluster.password());
		}
		properties.add("spring.datasource.hikari.maximum-pool-size=4");
		for (PostgresNode replica : cluster.replicas()) {
			properties.add("rw-routing.readers." + replica.name() + ".url=" + replica.jdbcUrl());
		}
		properties.addAll(List.of(extra));
		return properties.toArray(new String[0]);
	}

	/**
	 * The node a server port belongs to, so that assertions read as node names.
	 */
	public static String nodeName(PostgresCluster cluster, int port) {
		return cluster.nodes()
			.stream()
			.filter((node) -> node.port() == port)
			.map(PostgresNode::name)
			.findFirst()
			.orElse("unknown port " + port);
	}

}
