package io.github.rwrouting.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one pool bean per configured reader, named {@code reader-<name>DataSource}. The beans
 * are not default candidates, so the routing {@code dataSource} stays the application's only
 * {@code DataSource} for injection, while Spring Boot's pool metrics and health still see every pool.
 *
 * @author rw-routing
 */
class ReaderDataSourcesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private Environment environment;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		for (String name : readerNames(this.environment)) {
			RootBeanDefinition definition = new RootBeanDefinition(HikariDataSource.class,
					() -> this.beanFactory.getBean(RoutingPools.class).createReader(name));
			definition.setDefaultCandidate(false);
			definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
			definition.setDependsOn(RoutingPools.WRITER_BEAN_NAME);
			registry.registerBeanDefinition(RoutingPools.readerBeanName(name), definition);
		}
	}

	static Iterable<String> readerNames(Environment environment) {
		return Binder.get(environment)
			.bind("rw-routing.readers", Bindable.mapOf(String.class, Object.class))
			.map((readers) -> readers.keySet())
			.orElseGet(java.util.Set::of);
	}

}
