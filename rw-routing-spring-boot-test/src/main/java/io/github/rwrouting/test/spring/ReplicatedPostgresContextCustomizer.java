package io.github.rwrouting.test.spring;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers the cluster, the writer's {@code JdbcConnectionDetails} and one
 * {@code ReaderConnectionDetails} per standby as bean definitions of plain classes with arguments
 * (no instance supplier), before the context is refreshed, so that rw-routing sees the readers when
 * it registers their pools. Equal settings make equal customizers, hence one cached context.
 *
 * @author rw-routing
 */
class ReplicatedPostgresContextCustomizer implements ContextCustomizer {

	static final String CLUSTER_BEAN_NAME = "replicatedPostgresCluster";

	static final String WRITER_BEAN_NAME = "replicatedPostgresWriterConnectionDetails";

	private final ClusterSettings settings;

	ReplicatedPostgresContextCustomizer(ClusterSettings settings) {
		this.settings = settings;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException("@AutoConfigureReplicatedPostgres needs a bean factory that registers "
					+ "bean definitions, not " + beanFactory.getClass().getName());
		}
		RootBeanDefinition cluster = new RootBeanDefinition(PostgresClusterFactoryBean.class);
		cluster.getConstructorArgumentValues().addIndexedArgumentValue(0, this.settings.replicas());
		cluster.getConstructorArgumentValues().addIndexedArgumentValue(1, this.settings.synchronousStandby());
		cluster.getConstructorArgumentValues()
			.addIndexedArgumentValue(2, this.settings.settings().toArray(new String[0]));
		cluster.getConstructorArgumentValues().addIndexedArgumentValue(3, this.settings.database());
		registry.registerBeanDefinition(CLUSTER_BEAN_NAME, cluster);

		RootBeanDefinition writer = new RootBeanDefinition(ClusterWriterConnectionDetails.class);
		writer.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(CLUSTER_BEAN_NAME));
		registry.registerBeanDefinition(WRITER_BEAN_NAME, writer);

		for (String name : this.settings.readerNames()) {
			RootBeanDefinition reader = new RootBeanDefinition(ClusterReaderConnectionDetails.class);
			reader.getConstructorArgumentValues()
				.addIndexedArgumentValue(0, new RuntimeBeanReference(CLUSTER_BEAN_NAME));
			reader.getConstructorArgumentValues().addIndexedArgumentValue(1, name);
			// The bean name is the reader name.
			registry.registerBeanDefinition(name, reader);
		}
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof ReplicatedPostgresContextCustomizer customizer)
				&& this.settings.equals(customizer.settings);
	}

	@Override
	public int hashCode() {
		return this.settings.hashCode();
	}

}
