package io.github.rwrouting.health;

import java.util.Collection;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.jdbc.metadata.CompositeDataSourcePoolMetadataProvider;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadata;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadataProvider;
import org.springframework.util.Assert;

/**
 * The {@code db} health contributor without the reader pools: one {@link DataSourceHealthIndicator}
 * per data source as Spring Boot builds them (a composite when there are several), with each pool's
 * validation query.
 *
 * @author rw-routing
 */
public final class WriterOnlyDataSourceHealthContributor {

	private WriterOnlyDataSourceHealthContributor() {
	}

	/**
	 * The contributor for data sources.
	 * @param dataSources the data sources to check, by bean name; not the reader pools
	 * @param metadataProviders how to find a pool's validation query
	 * @return one indicator, or a composite of them
	 */
	public static HealthContributor of(Map<String, DataSource> dataSources,
			Collection<DataSourcePoolMetadataProvider> metadataProviders) {
		Assert.notEmpty(dataSources, "'dataSources' must not be empty");
		DataSourcePoolMetadataProvider metadata = new CompositeDataSourcePoolMetadataProvider(metadataProviders);
		if (dataSources.size() == 1) {
			return indicator(dataSources.values().iterator().next(), metadata);
		}
		return CompositeHealthContributor.fromMap(dataSources, (dataSource) -> indicator(dataSource, metadata));
	}

	private static DataSourceHealthIndicator indicator(DataSource dataSource, DataSourcePoolMetadataProvider metadata) {
		DataSourcePoolMetadata pool = metadata.getDataSourcePoolMetadata(dataSource);
		return new DataSourceHealthIndicator(dataSource, (pool != null) ? pool.getValidationQuery() : null);
	}

}
