package io.github.rwrouting.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one pool bean per reader, named {@code reader-<name>DataSource}, for the readers of
 * {@code rw-routing.readers.*} and those of {@link ReaderConnectionDetails} beans (whose bean name is
 * the reader name), and the {@link ReaderDataSources} bean that lists them. The pools are not default
 * candidates, so the routing {@code dataSource} stays the application's only {@code DataSource} for
 * injection, while Spring Boot's pool metrics and health still see every pool.
 * <p>
 * Every definition is plain data (a factory method on the {@code rwRoutingPools} bean with the reader
 * name as argument), never an instance supplier, so that Spring AOT can write it out as code. The
 * readers are then those known when the application was built.
 *
 * @author rw-routing
 */
class ReaderDataSourcesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	static final String READER_DATA_SOURCES_BEAN_NAME = "rwRoutingReaderDataSources";

	static final String POOLS_BEAN_NAME = "rwRoutingPools";

	private static final Pattern READER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		Set<String> fromDetails = (registry instanceof ListableBeanFactory beanFactory)
				? ReaderSources.fromConnectionDetails(beanFactory) : Set.of();
		fromDetails.forEach(ReaderDataSourcesRegistrar::validateDetailsBeanName);
		Set<String> names = new LinkedHashSet<>(ReaderSources.fromProperties(this.environment));
		names.addAll(fromDetails);
		for (String name : names) {
			registry.registerBeanDefinition(RoutingPools.readerBeanName(name),
					readerPool(name, fromDetails.contains(name)));
		}
		RootBeanDefinition readers = new RootBeanDefinition(ReaderDataSources.class);
		readers.getConstructorArgumentValues().addIndexedArgumentValue(0, names.toArray(new String[0]));
		registry.registerBeanDefinition(READER_DATA_SOURCES_BEAN_NAME, readers);
	}

	private static RootBeanDefinition readerPool(String name, boolean fromDetails) {
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setTargetType(HikariDataSource.class);
		definition.setFactoryBeanName(POOLS_BEAN_NAME);
		definition.setFactoryMethodName("createReader");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		if (fromDetails) {
			definition.getConstructorArgumentValues()
				.addIndexedArgumentValue(1, new RuntimeBeanReference(name, ReaderConnectionDetails.class));
		}
		definition.setDefaultCandidate(false);
		definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
		definition.setDependsOn(RoutingPools.WRITER_BEAN_NAME);
		return definition;
	}

	private static void validateDetailsBeanName(String beanName) {
		if (!READER_NAME.matcher(beanName).matches()) {
			throw new RwRoutingConfigurationException(ReaderSources.PROPERTIES_PREFIX,
					"the ReaderConnectionDetails bean '" + beanName
							+ "' is not named like a reader (lower-case kebab-case)",
					"Name the bean after the reader, in lower-case letters, digits and hyphens, for example "
							+ "@Bean(\"replica-1\"): the bean name is the reader name, which becomes the pool name "
							+ "'reader-<name>' and a metric tag.");
		}
	}

}
