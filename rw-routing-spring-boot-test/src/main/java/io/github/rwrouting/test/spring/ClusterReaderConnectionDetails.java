package io.github.rwrouting.test.spring;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import io.github.rwrouting.test.PostgresCluster;

/**
 * A reader: one standby of the cluster, by node name.
 *
 * @author rw-routing
 */
class ClusterReaderConnectionDetails implements ReaderConnectionDetails {

	private final PostgresCluster cluster;

	private final String nodeName;

	ClusterReaderConnectionDetails(PostgresCluster cluster, String nodeName) {
		this.cluster = cluster;
		this.nodeName = nodeName;
	}

	@Override
	public String getJdbcUrl() {
		return this.cluster.node(this.nodeName).jdbcUrl();
	}

	@Override
	public String getUsername() {
		return this.cluster.username();
	}

	@Override
	public String getPassword() {
		return this.cluster.password();
	}

}
