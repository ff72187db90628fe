package io.github.rwrouting.autoconfigure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.health.WriterOnlyDataSourceHealthContributor;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.topology.ReplicaMonitor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health a load balancer can trust: the {@code rwRouting} contributor shows the writer and readers
 * as the replica monitor last saw them (it never queries a node), and Spring Boot's {@code db}
 * contributor checks the writer only. A reader that is down, frozen or lagging never turns the
 * application DOWN and never slows the health endpoint: reads then run on the writer.
 *
 * @author rw-routing
 */
@AutoConfiguration(after = RwRoutingAutoConfiguration.class, before = DataSourceHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RoutingDataSource.class)
public final class RwRoutingHealthAutoConfiguration {

	/**
	 * Nested: its condition's class lives in spring-boot-health, which must be known to be there
	 * before the condition is loaded.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ReplicaMonitor.class)
	@ConditionalOnEnabledHealthIndicator("rw-routing")
	static class RwRoutingHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "rwRoutingHealthIndicator")
		RwRoutingHealthIndicator rwRoutingHealthIndicator(ReplicaMonitor monitor) {
			return new RwRoutingHealthIndicator(monitor);
		}

	}

	/**
	 * Spring Boot's {@code db} contributor builds one indicator per {@code DataSource} bean, reader
	 * pools included: one dead or frozen replica would turn the application DOWN, or hang the
	 * endpoint for as long as connecting to it takes. This one is built the same way without the
	 * reader pools, and checks the routing {@code dataSource} through its writer pool (its own
	 * connections may go to a reader when non-transactional work does).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataSourceHealthIndicator.class)
	@ConditionalOnBean(RoutingDataSource.class)
	@ConditionalOnEnabledHealthIndicator("db")
	static class WriterOnlyDbHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
		HealthContributor dbHealthContributor(ConfigurableListableBeanFactory beanFactory,
				ObjectProvider<DataSourcePoolMetadataProvider> metadataProviders) {
			Map<String, DataSource> dataSources = SimpleAutowireCandidateResolver
				.resolveAutowireCandidates(beanFactory, DataSource.class, false, true);
			// The reader pools are those the routing data sources route to, whether their readers come
			// from rw-routing.readers.* or from ReaderConnectionDetails beans.
			Set<DataSource> readerPools = Collections.newSetFromMap(new IdentityHashMap<>());
			dataSources.values().forEach((dataSource) -> {
				RoutingDataSource routing = RoutingBeans.routingOrNull(dataSource);
				if (routing != null) {
					routing.getPlanner().readers().forEach((reader) -> readerPools.add(reader.dataSource()));
				}
			});
			Map<String, DataSource> checked = new LinkedHashMap<>();
			dataSources.forEach((name, dataSource) -> {
				// A reader pool bean may be wrapped by an observability proxy: its pool is what routes use.
				if (!readerPools.contains(dataSource) && !readerPools.contains(RoutingBeans.poolOrNull(dataSource))) {
					RoutingDataSource routing = RoutingBeans.routingOrNull(dataSource);
					checked.put(name, (routing != null) ? routing.getWriterDataSource() : dataSource);
				}
			});
			return WriterOnlyDataSourceHealthContributor.of(checked, metadataProviders.orderedStream().toList());
		}

	}

}
