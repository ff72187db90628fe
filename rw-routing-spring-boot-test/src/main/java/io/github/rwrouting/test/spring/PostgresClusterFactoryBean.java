package io.github.rwrouting.test.spring;

import java.util.List;

import io.github.rwrouting.test.PostgresCluster;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.FactoryBean;

/**
 * The test context's {@link PostgresCluster}: started when first asked for (when the first pool
 * connects, or a test injects it), stopped when the context closes.
 *
 * @author rw-routing
 */
class PostgresClusterFactoryBean implements FactoryBean<PostgresCluster>, DisposableBean {

	private final ClusterSettings settings;

	private @Nullable PostgresCluster cluster;

	// Plain arguments rather than ClusterSettings, so that the bean definition is plain data.
	PostgresClusterFactoryBean(int replicas, boolean synchronousStandby, String[] settings, String database) {
		this.settings = new ClusterSettings(replicas, synchronousStandby, List.of(settings), database);
	}

	@Override
	public synchronized PostgresCluster getObject() {
		if (this.cluster == null) {
			this.cluster = this.settings.start();
		}
		return this.cluster;
	}

	@Override
	public Class<?> getObjectType() {
		return PostgresCluster.class;
	}

	@Override
	public synchronized void destroy() {
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

}
