package io.github.rwrouting.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * The writer's connection details from {@code spring.datasource.*}, used when no other
 * {@link JdbcConnectionDetails} (a Testcontainers or Docker Compose service connection, or
 * {@code rw-routing-spring-boot-test}) is present.
 *
 * @author rw-routing
 */
final class WriterConnectionDetails implements JdbcConnectionDetails {

	private final DataSourceProperties properties;

	private final boolean readersConfigured;

	WriterConnectionDetails(DataSourceProperties properties, boolean readersConfigured) {
		this.properties = properties;
		this.readersConfigured = readersConfigured;
	}

	/**
	 * The writer's connection details: the application's {@link JdbcConnectionDetails} bean (the
	 * primary one when there are several), else {@code spring.datasource.*}. Readers supplied as beans
	 * are {@link ReaderConnectionDetails}, another type, so they never compete with the writer.
	 * @param candidates the {@link JdbcConnectionDetails} beans
	 * @param properties the {@code spring.datasource.*} properties
	 * @param readersConfigured whether any reader is configured
	 * @return the writer's connection details
	 */
	static JdbcConnectionDetails resolve(ObjectProvider<JdbcConnectionDetails> candidates,
			DataSourceProperties properties, boolean readersConfigured) {
		try {
			return candidates.getIfAvailable(() -> new WriterConnectionDetails(properties, readersConfigured));
		}
		catch (NoUniqueBeanDefinitionException ex) {
			throw new RwRoutingConfigurationException("spring.datasource.url",
					"there are " + ex.getNumberOfBeansFound() + " JdbcConnectionDetails beans " + ex.getBeanNamesFound()
							+ " and none is primary, so the writer is ambiguous",
					"Keep one JdbcConnectionDetails bean (or mark the writer's @Primary) for the writer, and supply "
							+ "each reader as a ReaderConnectionDetails bean named after the reader (for example "
							+ "@Bean(\"replica-1\")) or with rw-routing.readers.<name>.url.");
		}
	}

	@Override
	public String getJdbcUrl() {
		String url = this.properties.getUrl();
		if (StringUtils.hasText(url)) {
			return url;
		}
		if (this.readersConfigured) {
			throw new RwRoutingConfigurationException("spring.datasource.url",
					"readers are configured under rw-routing.readers but the writer has no URL",
					"Set spring.datasource.url to the JDBC URL of the primary (the cluster or writer endpoint), "
							+ "or remove rw-routing.readers.*, or set rw-routing.enabled=false.");
		}
		// Like Spring Boot: fall back to an embedded database when one is on the classpath.
		return this.properties.determineUrl();
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.determineUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.determinePassword();
	}

	@Override
	public String getDriverClassName() {
		return (this.properties.getDriverClassName() != null) ? this.properties.getDriverClassName()
				: JdbcConnectionDetails.super.getDriverClassName();
	}

}
