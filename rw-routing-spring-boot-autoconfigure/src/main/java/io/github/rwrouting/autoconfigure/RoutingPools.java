package io.github.rwrouting.autoconfigure;

import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.RwRoutingProperties.Reader;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;

/**
 * Builds the Hikari pools: the writer the way Spring Boot builds its own pool, and each reader from
 * its {@code rw-routing.readers.<name>.*} properties on top of the writer's Hikari settings.
 *
 * @author rw-routing
 */
final class RoutingPools {

	static final String WRITER_POOL_NAME = "writer";

	static final String WRITER_BEAN_NAME = "writerDataSource";

	private static final Pattern READER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private final DataSourceProperties dataSourceProperties;

	private final JdbcConnectionDetails writerConnectionDetails;

	private final RwRoutingProperties properties;

	private final Binder binder;

	RoutingPools(DataSourceProperties dataSourceProperties, JdbcConnectionDetails writerConnectionDetails,
			RwRoutingProperties properties, Environment environment) {
		this.dataSourceProperties = dataSourceProperties;
		this.writerConnectionDetails = writerConnectionDetails;
		this.properties = properties;
		this.binder = Binder.get(environment);
	}

	static String readerPoolName(String readerName) {
		return "reader-" + readerName;
	}

	static String readerBeanName(String readerName) {
		return readerPoolName(readerName) + "DataSource";
	}

	/**
	 * The writer pool: {@code spring.datasource.*}, then {@code spring.datasource.hikari.*}, as Spring
	 * Boot builds its own pool.
	 */
	HikariDataSource createWriter() {
		JdbcConnectionDetails details = this.writerConnectionDetails;
		HikariDataSource writer = DataSourceBuilder.create(this.dataSourceProperties.getClassLoader())
			.type(HikariDataSource.class)
			.url(details.getJdbcUrl())
			.username(details.getUsername())
			.password(details.getPassword())
			.driverClassName(details.getDriverClassName())
			.build();
		writer.setPoolName(WRITER_POOL_NAME);
		this.binder.bind("spring.datasource.hikari", Bindable.ofInstance(writer));
		AwsJdbcWrapperSettings.applyToWriter(writer, writer.getJdbcUrl());
		return writer;
	}

	/**
	 * A reader pool: the writer's Hikari settings, the reader's connection properties, then the
	 * reader's own Hikari settings. Its connections are always read-only.
	 */
	HikariDataSource createReader(String name) {
		return createReader(name, null);
	}

	/**
	 * A reader pool whose connection comes from a {@link ReaderConnectionDetails} bean when there is
	 * one, else from the reader's properties.
	 */
	HikariDataSource createReader(String name, @Nullable ReaderConnectionDetails details) {
		validateName(name);
		Reader reader = this.properties.getReaders().get(name);
		String prefix = "rw-routing.readers." + name;
		ReaderConnection connection = ReaderConnection.resolve(name, reader, details, this.writerConnectionDetails,
				this.dataSourceProperties);
		HikariDataSource pool = new HikariDataSource();
		this.binder.bind("spring.datasource.hikari", Bindable.ofInstance(pool));
		pool.setJdbcUrl(connection.jdbcUrl());
		pool.setUsername(connection.username());
		pool.setPassword(connection.password());
		if (connection.driverClassName() != null) {
			pool.setDriverClassName(connection.driverClassName());
		}
		pool.setPoolName(readerPoolName(name));
		this.binder.bind(prefix + ".hikari", Bindable.ofInstance(pool),
				new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		pool.setReadOnly(true);
		AwsJdbcWrapperSettings.applyToReader(pool, this.writerConnectionDetails.getJdbcUrl());
		return pool;
	}

	private static void validateName(String name) {
		if (!READER_NAME.matcher(name).matches()) {
			throw new RwRoutingConfigurationException("rw-routing.readers." + name,
					"reader name '" + name + "' is not lower-case kebab-case",
					"Rename the reader to lower-case letters, digits and hyphens (for example 'replica-1'): "
							+ "the name becomes the pool name 'reader-<name>' and a metric tag.");
		}
	}

}
