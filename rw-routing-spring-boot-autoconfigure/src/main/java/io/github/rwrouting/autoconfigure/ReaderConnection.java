package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.autoconfigure.RwRoutingProperties.Reader;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * Where a reader pool connects and as whom: from the reader's {@link ReaderConnectionDetails} bean
 * when there is one (it wins, as Spring Boot's {@code JdbcConnectionDetails} wins over
 * {@code spring.datasource.*}), else from {@code rw-routing.readers.<name>.*}; username and password
 * default to the writer's.
 *
 * @param jdbcUrl the JDBC URL
 * @param username the username
 * @param password the password
 * @param driverClassName the driver class name, {@code null} to let the pool find it
 * @author rw-routing
 */
record ReaderConnection(String jdbcUrl, @Nullable String username, @Nullable String password,
		@Nullable String driverClassName) {

	static ReaderConnection resolve(String name, @Nullable Reader properties, @Nullable ReaderConnectionDetails details,
			JdbcConnectionDetails writer, DataSourceProperties writerProperties) {
		if (details != null) {
			return new ReaderConnection(details.getJdbcUrl(), firstNonNull(details.getUsername(), writer.getUsername()),
					firstNonNull(details.getPassword(), writer.getPassword()), details.getDriverClassName());
		}
		String prefix = ReaderSources.PROPERTIES_PREFIX + "." + name;
		if (properties == null || !StringUtils.hasText(properties.getUrl())) {
			throw new RwRoutingConfigurationException(prefix + ".url", "reader '" + name + "' has no url",
					"Set " + prefix + ".url to the JDBC URL of the replica or reader endpoint, for example "
							+ "jdbc:postgresql://replica.example.com:5432/app, or define a ReaderConnectionDetails "
							+ "bean named '" + name + "'.");
		}
		return new ReaderConnection(properties.getUrl(), firstNonNull(properties.getUsername(), writer.getUsername()),
				firstNonNull(properties.getPassword(), writer.getPassword()),
				firstNonNull(properties.getDriverClassName(), writerProperties.getDriverClassName()));
	}

	private static @Nullable String firstNonNull(@Nullable String first, @Nullable String second) {
		return (first != null) ? first : second;
	}

	@Override
	public String toString() {
		// never the password
		return "ReaderConnection[" + this.jdbcUrl + ", username=" + this.username + "]";
	}

}
