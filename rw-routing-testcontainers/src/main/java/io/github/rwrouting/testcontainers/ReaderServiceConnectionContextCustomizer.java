package io.github.rwrouting.testcontainers;

import java.util.Map;

import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers one {@code ReaderConnectionDetails} bean per {@link ReaderServiceConnection reader container},
 * named after the reader, before the context is refreshed, so that rw-routing sees the readers when it
 * registers their pools. Customizers with the same readers on the same container instances are equal,
 * hence one cached context.
 *
 * @author rw-routing
 */
class ReaderServiceConnectionContextCustomizer implements ContextCustomizer {

	private final Map<String, JdbcDatabaseContainer<?>> readers;

	ReaderServiceConnectionContextCustomizer(Map<String, JdbcDatabaseContainer<?>> readers) {
		this.readers = Map.copyOf(readers);
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException("@ReaderServiceConnection needs a bean factory that registers bean "
					+ "definitions, not " + beanFactory.getClass().getName());
		}
		this.readers.forEach((name, container) -> {
			RootBeanDefinition details = new RootBeanDefinition(ContainerReaderConnectionDetails.class);
			details.getConstructorArgumentValues().addIndexedArgumentValue(0, container);
			// The bean name is the reader name.
			registry.registerBeanDefinition(name, details);
		});
	}

	// Containers compare by identity, as Spring Boot's service connections do: the same field values
	// share a context, other instances (another test class's containers) do not.
	@Override
	public boolean equals(Object other) {
		if (!(other instanceof ReaderServiceConnectionContextCustomizer customizer)
				|| !this.readers.keySet().equals(customizer.readers.keySet())) {
			return false;
		}
		return this.readers.entrySet()
			.stream()
			.allMatch((entry) -> customizer.readers.get(entry.getKey()) == entry.getValue());
	}

	@Override
	public int hashCode() {
		return this.readers.entrySet()
			.stream()
			.mapToInt((entry) -> entry.getKey().hashCode() ^ System.identityHashCode(entry.getValue()))
			.sum();
	}

}
