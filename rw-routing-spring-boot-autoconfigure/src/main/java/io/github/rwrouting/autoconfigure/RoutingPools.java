package io.github.rwrouting.autoconfigure;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Properties;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.rwrouting.autoconfigure.RwRoutingProperties.Reader;
import org.jspecify.annotations.Nullable;
import io.github.rwrouting.autoconfigure.RwRoutingProperties.ReaderPool;
import io.github.rwrouting.failover.AwsJdbcWrapperSettings;
import io.github.rwrouting.failover.ReaderConnections;
import io.github.rwrouting.failover.ReaderSocketFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Builds the Hikari pools: the writer the way Spring Boot builds its own pool, and each reader from
 * its {@code rw-routing.readers.<name>.*} properties on top of the writer's Hikari settings.
 *
 * @author rw-routing
 */
final class RoutingPools {

	private static final Log logger = LogFactory.getLog(RoutingPools.class);

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
		RwRoutingPropertiesValidator.validate(properties,
				properties.getReaders().isEmpty() ? null : writerConnectionDetails.getJdbcUrl());
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
		AwsJdbcWrapperSettings.applyToWriter(writer, writer.getJdbcUrl(), this.properties.getDialect());
		return writer;
	}

	/**
	 * A reader pool: the writer's Hikari settings, rw-routing's bounds on waiting for a reader, the
	 * reader's connection properties, then the reader's own Hikari settings. Its connections are
	 * always read-only, and opened through {@link ReaderConnections} so that they can be aborted
	 * when the monitor finds the node frozen or dead.
	 */
	HikariDataSource createReader(String name) {
		return createReader(name, null);
	}

	/**
	 * A reader pool whose connection (URL, username, password, driver) comes from its
	 * {@link ReaderConnectionDetails} bean when there is one, else from its properties.
	 */
	HikariDataSource createReader(String name, @Nullable ReaderConnectionDetails details) {
		validateName(name);
		Reader reader = (details != null) ? ReaderSources.connectionOf(details)
				: this.properties.getReaders().get(name);
		String prefix = "rw-routing.readers." + name;
		if (reader == null || !StringUtils.hasText(reader.getUrl())) {
			throw new RwRoutingConfigurationException(prefix + ".url", "reader '" + name + "' has no url",
					"Set " + prefix + ".url to the JDBC URL of the replica or reader endpoint, for example "
							+ "jdbc:postgresql://replica.example.com:5432/app.");
		}
		HikariDataSource pool = new HikariDataSource();
		this.binder.bind("spring.datasource.hikari", Bindable.ofInstance(pool));
		ReaderPool bounds = this.properties.getReaderPool();
		// A read waits this long for a reader connection, then runs on the writer.
		pool.setConnectionTimeout(bounds.getBorrowTimeout().toMillis());
		// Checking an idle connection to a replica that froze meanwhile waits this long: set
		// explicitly, it wins like borrow-timeout; its default gives way to the validation
		// timeout the user chose for every pool.
		if (this.binder.bind("rw-routing.reader-pool.validation-timeout", String.class).isBound()
				|| !this.binder.bind("spring.datasource.hikari.validation-timeout", String.class).isBound()) {
			pool.setValidationTimeout(bounds.getValidationTimeout().toMillis());
		}
		pool.setJdbcUrl(reader.getUrl());
		pool.setUsername(firstNonNull(reader.getUsername(), this.writerConnectionDetails.getUsername()));
		pool.setPassword(firstNonNull(reader.getPassword(), this.writerConnectionDetails.getPassword()));
		String driverClassName = firstNonNull(reader.getDriverClassName(),
				this.dataSourceProperties.getDriverClassName());
		if (driverClassName != null) {
			pool.setDriverClassName(driverClassName);
		}
		pool.setPoolName(readerPoolName(name));
		// The keys themselves, not the bound HikariConfig of the properties: only the settings given
		// for the reader override the writer's; an unknown key fails naming itself.
		this.binder.bind(prefix + ".hikari", Bindable.ofInstance(pool),
				new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		pool.setReadOnly(true);
		AwsJdbcWrapperSettings.applyToReader(pool, this.writerConnectionDetails.getJdbcUrl(),
				this.properties.getDialect());
		applyConnectTimeout(pool, bounds.getConnectTimeout());
		applySocketFactory(pool);
		pool.setDataSource(new ReaderConnections(driver(name, pool)));
		return pool;
	}

	/**
	 * Bound opening a connection to a PostgreSQL reader (pgjdbc's connectTimeout for the TCP
	 * connection and loginTimeout for the whole login, in whole seconds) or to a MariaDB or MySQL
	 * reader (the drivers' connectTimeout, in milliseconds, which also bounds the handshake), unless
	 * the pool's data-source-properties set them; parameters in the URL take precedence over both.
	 */
	private static void applyConnectTimeout(HikariDataSource pool, Duration connectTimeout) {
		String url = pool.getJdbcUrl();
		Properties properties = pool.getDataSourceProperties();
		if (url.contains("postgresql:")) {
			String seconds = Long.toString(Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
			properties.putIfAbsent("connectTimeout", seconds);
			properties.putIfAbsent("loginTimeout", seconds);
		}
		else if (url.contains("mariadb:") || url.contains("mysql:")) {
			properties.putIfAbsent("connectTimeout", Long.toString(Math.max(1, connectTimeout.toMillis())));
		}
	}

	/**
	 * Open MariaDB Connector/J reader connections through {@link ReaderSocketFactory}, so that
	 * {@link ReaderConnections} can close the socket of a read blocked on a frozen node (the
	 * driver's abort alone does not end it on Java 17), unless the URL or the pool's
	 * data-source-properties choose a socket factory.
	 */
	private static void applySocketFactory(HikariDataSource pool) {
		if (pool.getJdbcUrl().startsWith("jdbc:mariadb:") && !pool.getJdbcUrl().contains("socketFactory=")) {
			applySocketFactory(pool, driverClass(pool));
		}
	}

	/**
	 * Connector/J loads the socket factory by name with its own class loader: when that loader
	 * does not see this very class (the driver in a parent loader, such as a servlet container's
	 * lib, with the application's classes in a child), every reader connection would fail to
	 * open, so the pool keeps the driver's default sockets instead.
	 */
	static void applySocketFactory(HikariDataSource pool, @Nullable Class<?> driverClass) {
		if (driverClass == null || pool.getDataSourceProperties().containsKey("socketFactory")) {
			return;
		}
		if (!isVisibleTo(driverClass.getClassLoader())) {
			logger.info("rw-routing reader pool '" + pool.getPoolName() + "' opens its connections without "
					+ ReaderSocketFactory.class.getName() + ": the class loader of " + driverClass.getName()
					+ " does not see it (the driver is in a parent class loader), so a read blocked on a frozen "
					+ "replica ends only at the driver's socketTimeout. Put the driver next to rw-routing to "
					+ "have such reads aborted.");
			return;
		}
		pool.getDataSourceProperties().put("socketFactory", ReaderSocketFactory.class.getName());
	}

	private static boolean isVisibleTo(@Nullable ClassLoader driverClassLoader) {
		try {
			return Class.forName(ReaderSocketFactory.class.getName(), false,
					driverClassLoader) == ReaderSocketFactory.class;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * The class of the driver Hikari's {@link DriverDataSource} will use: the registered driver of
	 * the configured class name, else the driver that accepts the URL; {@code null} when there is
	 * none (creating the driver data source then fails naming the URL).
	 */
	private static @Nullable Class<?> driverClass(HikariDataSource pool) {
		String driverClassName = pool.getDriverClassName();
		if (driverClassName != null) {
			for (Driver driver : Collections.list(DriverManager.getDrivers())) {
				if (driver.getClass().getName().equals(driverClassName)) {
					return driver.getClass();
				}
			}
		}
		try {
			return DriverManager.getDriver(pool.getJdbcUrl()).getClass();
		}
		catch (SQLException ex) {
			return null;
		}
	}

	/**
	 * The driver data source Hikari would create itself, created here so that a URL the driver
	 * refuses fails with the property named.
	 */
	private static DataSource driver(String name, HikariDataSource pool) {
		try {
			return new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(), pool.getDataSourceProperties(),
					pool.getUsername(), pool.getPassword());
		}
		catch (RuntimeException ex) {
			throw RwRoutingPropertiesValidator.malformedUrl(name, String.valueOf(ex.getMessage()));
		}
	}

	private static void validateName(String name) {
		if (!READER_NAME.matcher(name).matches()) {
			throw new RwRoutingConfigurationException("rw-routing.readers." + name,
					"reader name '" + name + "' is not lower-case kebab-case",
					"Rename the reader to lower-case letters, digits and hyphens (for example 'replica-1'): "
							+ "the name becomes the pool name 'reader-<name>' and a metric tag.");
		}
	}

	private static @Nullable String firstNonNull(@Nullable String first, @Nullable String second) {
		return (first != null) ? first : second;
	}

}
