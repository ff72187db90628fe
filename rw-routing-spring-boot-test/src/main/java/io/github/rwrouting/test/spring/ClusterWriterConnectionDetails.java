package io.github.rwrouting.test.spring;

import io.github.rwrouting.test.PostgresCluster;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The writer: the cluster's primary.
 *
 * @author rw-routing
 */
class ClusterWriterConnectionDetails implements JdbcConnectionDetails {

	private final PostgresCluster cluster;

	ClusterWriterConnectionDetails(PostgresCluster cluster) {
		this.cluster = cluster;
	}

	@Override
	public String getJdbcUrl() {
		return this.cluster.primary().jdbcUrl();
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
