package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.failover.ReaderPoolReleaser;
import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RouteDecisionLog;
import io.github.rwrouting.routing.RouteListener;
import io.github.rwrouting.routing.ReadRoutePlanner;
import io.github.rwrouting.routing.RoutingDataSource;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DialectResolver;
import io.github.rwrouting.topology.DialectType;
import io.github.rwrouting.topology.MonitorConnectors;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.ReaderDownListener;
import io.github.rwrouting.topology.ReaderEndpoint;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.github.rwrouting.topology.WriterDemotionListener;
import io.github.rwrouting.topology.WriterRoleListener;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.DatabasePopulator;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for read/write routing: a writer pool from {@code spring.datasource.*}, a pool
 * per reader from {@code rw-routing.readers.*}, and the application's {@code dataSource} that routes
 * read-only transactions to the readers.
 * <p>
 * Backs off, leaving Spring Boot's own pool as it is, when no reader is configured, when the
 * application defines its own {@code DataSource}, and when {@code DataSourceAutoConfiguration} is
 * excluded.
 *
 * @author rw-routing
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ DataSource.class, HikariDataSource.class })
@ConditionalOnBooleanProperty(name = "rw-routing.enabled", matchIfMissing = true)
@Conditional({ OnDataSourceAutoConfigurationCondition.class, OnReadersCondition.class })
@ConditionalOnMissingBean(DataSource.class)
@EnableConfigurationProperties({ DataSourceProperties.class, RwRoutingProperties.class })
@Import({ ReaderDataSourcesRegistrar.class, RwRoutingConsistencyConfiguration.class,
		RwRoutingFailoverConfiguration.class, RwRoutingWriterScopeConfiguration.class })
public final class RwRoutingAutoConfiguration {

	private static final Duration MIN_MONITOR_INTERVAL = Duration.ofMillis(100);

	@Bean
	static RoutingPools rwRoutingPools(DataSourceProperties dataSourceProperties,
			ObjectProvider<JdbcConnectionDetails> connectionDetails, RwRoutingProperties properties,
			Environment environment, ListableBeanFactory beanFactory) {
		JdbcConnectionDetails writerDetails = WriterConnectionDetails.resolve(connectionDetails, dataSourceProperties,
				ReaderSources.any(environment, beanFactory));
		return new RoutingPools(dataSourceProperties, writerDetails, properties, environment);
	}

	@Bean(name = RoutingPools.WRITER_BEAN_NAME, defaultCandidate = false)
	HikariDataSource writerDataSource(RoutingPools pools) {
		return pools.createWriter();
	}

	/**
	 * What is known of the cluster: written by the replica monitor, read by routing, consistency,
	 * health, metrics and failover handling.
	 */
	@Bean
	ClusterState rwRoutingClusterState(@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writerBean,
			RwRoutingProperties properties, ReaderDataSources readerDataSources) {
		HikariDataSource writer = RoutingBeans.pool(writerBean, RoutingPools.WRITER_BEAN_NAME);
		List<NodeState> readers = new ArrayList<>();
		readerDataSources.forEach((name, reader) -> {
			RwRoutingProperties.Reader settings = properties.getReaders().get(name);
			Boolean singleNode = (settings != null) ? settings.getSingleNode() : null;
			NodeState node = NodeState.reader(name,
					(singleNode != null) ? singleNode : ReaderEndpoint.isSingleNode(reader.getJdbcUrl()));
			node.failureBackoff(properties.getReaderPool().getFailureBackoff(),
					properties.getReaderPool().getMaxFailureBackoff());
			readers.add(node);
		});
		return new ClusterState(NodeState.writer(Route.WRITER_NAME), readers,
				dialectResolver(properties).forUrl(writer.getJdbcUrl()));
	}

	/**
	 * Where each connection goes; a bean of its own so that the routing {@code dataSource} and the
	 * metrics (one of the data source's route listeners) both get it without a cycle.
	 */
	@Bean
	ReadRoutePlanner rwRoutingReadRoutePlanner(@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writerBean,
			RwRoutingProperties properties, ReaderDataSources readerDataSources, ClusterState cluster) {
		HikariDataSource writer = RoutingBeans.pool(writerBean, RoutingPools.WRITER_BEAN_NAME);
		List<Route> readers = new ArrayList<>();
		readerDataSources.forEach((name, reader) -> readers.add(Route.to(reader.getPoolName(), reader, cluster.node(name))));
		return new ReadRoutePlanner(Route.to(writer.getPoolName(), writer, cluster.writer()), readers,
				properties.getNonTransactional(), properties.getBalancing());
	}

	@Bean(RoutingBeans.DATA_SOURCE_BEAN_NAME)
	RoutingDataSource dataSource(@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writerBean,
			ReadRoutePlanner planner, ObjectProvider<RouteListener> listeners, ConsistencyGuard consistency,
			ObjectProvider<WriterDemotionListener> demotionListeners, ClusterState cluster) {
		HikariDataSource writer = RoutingBeans.pool(writerBean, RoutingPools.WRITER_BEAN_NAME);
		return new RoutingDataSource(planner, listeners.orderedStream().toList(), writer.isAutoCommit(), consistency,
				demotionListeners.orderedStream().toList(), cluster);
	}

	@Bean
	RouteDecisionLog rwRoutingRouteDecisionLog() {
		return new RouteDecisionLog();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "rw-routing.monitor.enabled", matchIfMissing = true)
	ReplicaMonitor rwRoutingReplicaMonitor(ClusterState cluster,
			@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writerBean, ReaderDataSources readerDataSources,
			RwRoutingProperties properties,
			ObjectProvider<WriterRoleListener> writerRoleListeners,
			ObjectProvider<ReaderDownListener> readerDownListeners) {
		HikariDataSource writer = RoutingBeans.pool(writerBean, RoutingPools.WRITER_BEAN_NAME);
		Duration interval = properties.getMonitor().getInterval();
		if (interval.compareTo(MIN_MONITOR_INTERVAL) < 0) {
			throw new RwRoutingConfigurationException("rw-routing.monitor.interval",
					"the monitor interval " + interval.toMillis() + "ms is below the 100ms minimum",
					"Set rw-routing.monitor.interval to 100ms or more (the default is 1s).");
		}
		DialectResolver dialectResolver = dialectResolver(properties);
		Duration timeout = properties.getMonitor().getTimeout();
		Map<String, HikariDataSource> pools = new LinkedHashMap<>();
		pools.put(cluster.writer().name(), writer);
		readerDataSources.forEach(pools::put);
		return new ReplicaMonitor(cluster, MonitorConnectors.of(pools, dialectResolver, timeout),
				dialectResolver, interval, timeout, (reader) -> maxLag(properties, reader),
				writerRoleListeners.orderedStream().toList(), readerDownListeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "rw-routing.reader-pool.abort-when-down", matchIfMissing = true)
	ReaderPoolReleaser rwRoutingReaderPoolReleaser(ReaderDataSources readerDataSources) {
		return new ReaderPoolReleaser(readerDataSources.asMap());
	}

	static DialectResolver dialectResolver(RwRoutingProperties properties) {
		try {
			return new DialectResolver(DialectType.of(properties.getDialect()));
		}
		catch (IllegalArgumentException ex) {
			throw new RwRoutingConfigurationException("rw-routing.dialect",
					"unknown dialect '" + properties.getDialect() + "'",
					"Set rw-routing.dialect to one of " + DialectType.accepted() + " (auto, the default, detects it).");
		}
	}

	private static Duration maxLag(RwRoutingProperties properties, String reader) {
		RwRoutingProperties.Reader configured = properties.getReaders().get(reader);
		Duration maxLag = (configured != null) ? configured.getMaxLag() : null;
		return (maxLag != null) ? maxLag : properties.getMaxLag();
	}

	/**
	 * Spring Boot's SQL initialization ({@code schema.sql}, {@code data.sql}) runs on the writer pool,
	 * never through routing: with {@code rw-routing.non-transactional=reader} its statements would
	 * otherwise go to a replica. The same initializer Spring Boot would create, on the writer, so
	 * Spring Boot's own one backs off.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DatabasePopulator.class, ApplicationScriptDatabaseInitializer.class })
	@ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
	@ConditionalOnSqlInitialization
	@Import(DatabaseInitializationDependencyConfigurer.class)
	@EnableConfigurationProperties(SqlInitializationProperties.class)
	static class SqlInitializationWriterConfiguration {

		@Bean
		ApplicationDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(
				@Qualifier(RoutingPools.WRITER_BEAN_NAME) DataSource writerBean, SqlInitializationProperties properties) {
			HikariDataSource writer = RoutingBeans.pool(writerBean, RoutingPools.WRITER_BEAN_NAME);
			DataSource dataSource = writer;
			// As Spring Boot does: dedicated credentials get a connection of their own, to the writer.
			if (StringUtils.hasText(properties.getUsername()) && StringUtils.hasText(properties.getPassword())) {
				dataSource = DataSourceBuilder.derivedFrom(writer)
					.username(properties.getUsername())
					.password(properties.getPassword())
					.type(SimpleDriverDataSource.class)
					.build();
			}
			return new ApplicationDataSourceScriptDatabaseInitializer(dataSource, properties);
		}

	}

	/**
	 * Flyway migrates through the writer pool, never through routing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
	static class FlywayWriterConfiguration {

		@Bean
		FlywayConfigurationCustomizer rwRoutingFlywayWriterCustomizer() {
			return (configuration) -> {
				RoutingDataSource routing = RoutingBeans.routingOrNull(configuration.getDataSource());
				if (routing != null) {
					configuration.dataSource(routing.getWriterDataSource());
				}
			};
		}

	}

	/**
	 * Liquibase migrates through the writer pool, never through routing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	static class LiquibaseWriterConfiguration {

		@Bean
		static BeanPostProcessor rwRoutingLiquibaseWriterPostProcessor() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof SpringLiquibase liquibase) {
						RoutingDataSource routing = RoutingBeans.routingOrNull(liquibase.getDataSource());
						if (routing != null) {
							liquibase.setDataSource(routing.getWriterDataSource());
						}
					}
					return bean;
				}

			};
		}

	}

}
