package io.github.rwrouting.test.spring;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;

/**
 * The node a server port belongs to, so that assertions read as node names.
 */
final class Nodes {

	private Nodes() {
	}

	static String name(PostgresCluster cluster, int port) {
		return cluster.nodes()
			.stream()
			.filter((node) -> node.port() == port)
			.map(PostgresNode::name)
			.findFirst()
			.orElse("unknown port " + port);
	}

}
