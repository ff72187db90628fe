package io.github.rwrouting.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * The reader pools registered by {@link ReaderDataSourcesRegistrar}, by reader name, in order.
 * <p>
 * Creating it checks that the readers configured now are those the pools were registered for: they
 * differ when the application was processed ahead of time (Spring AOT fixes the bean definitions at
 * build time) with other readers than it runs with, or when a {@link ReaderConnectionDetails} bean
 * was registered after the auto-configuration. A reader is then never silently left out.
 *
 * @author rw-routing
 */
final class ReaderDataSources {

	private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

	ReaderDataSources(String[] names, ListableBeanFactory beanFactory, Environment environment) {
		Set<String> registered = new LinkedHashSet<>(Arrays.asList(names));
		Set<String> configured = ReaderSources.names(environment, beanFactory);
		if (!registered.equals(configured)) {
			throw new RwRoutingConfigurationException(ReaderSources.PROPERTIES_PREFIX,
					"the readers " + configured + " differ from the readers " + registered
							+ " whose pools were registered",
					"With Spring AOT (spring.aot.enabled=true) the readers are fixed when the application is "
							+ "built: build it with the same rw-routing.readers.<name> names and "
							+ "ReaderConnectionDetails beans it runs with. Without AOT, define ReaderConnectionDetails "
							+ "beans in the application's own configuration, which is processed before "
							+ "auto-configurations.");
		}
		for (String name : names) {
			String beanName = RoutingPools.readerBeanName(name);
			this.pools.put(name, RoutingBeans.pool(beanFactory.getBean(beanName, DataSource.class), beanName));
		}
	}

	void forEach(BiConsumer<String, HikariDataSource> action) {
		this.pools.forEach(action);
	}

	Map<String, HikariDataSource> asMap() {
		return Map.copyOf(this.pools);
	}

	boolean isEmpty() {
		return this.pools.isEmpty();
	}

}
