package io.github.rwrouting.autoconfigure.mariadb;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.Properties;

import javax.sql.DataSource;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.HibernateException;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every test of {@link MariaDbJpaWebRoutingIntegrationTests} again with MySQL Connector/J
 * ({@code jdbc:mysql:} URLs) on a real MariaDB primary and GTID replica, with the recipe's two settings
 * for Hibernate on this pair: {@code spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect}
 * and {@code useInformationSchema=false} on the URLs; and what happens without each of them.
 */
class MySqlConnectorJJpaWebRoutingIntegrationTests extends MariaDbJpaWebRoutingIntegrationTests {

	/**
	 * MySQL Connector/J's default metadata ({@code useInformationSchema=true}) answers
	 * {@code getSQLKeywords()} from {@code information_schema.KEYWORDS.RESERVED}, a column MariaDB does
	 * not have; with {@code false} it answers from its own keyword list.
	 */
	private static final String METADATA_FLAG = "useInformationSchema=false";

	@Override
	@BeforeAll
	void startApplication(MariaDbCluster mariadb) {
		start(mariadb, MariaDbDriver.MYSQL,
				"spring.datasource.url=" + MariaDbDriver.MYSQL.writerUrl(mariadb.primary()) + "&" + METADATA_FLAG,
				"rw-routing.readers.replica1.url=" + MariaDbDriver.MYSQL.readerUrl(mariadb.replica(1)) + "?"
						+ METADATA_FLAG);
	}

	@Test
	void theApplicationRunsOnMySqlConnectorJWithHibernatesMariaDbDialectForTheServersVersion() throws SQLException {
		try (Connection connection = context.getBean("writerDataSource", DataSource.class).getConnection()) {
			assertThat(connection.getMetaData().getDriverName()).startsWith("MySQL Connector/J");
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("MySQL");
			assertThat(connection.getMetaData().getDatabaseProductVersion()).contains("MariaDB");
		}
		Dialect dialect = hibernateDialect(context);
		assertThat(dialect).isExactlyInstanceOf(MariaDBDialect.class);
		DatabaseVersion server = serverVersion();
		assertThat(dialect.getVersion().isSame(server.getDatabaseMajorVersion(), server.getDatabaseMinorVersion()))
			.as("%s read from the server (%s)", dialect.getVersion(), server)
			.isTrue();
	}

	@Test
	void mySqlConnectorJsDefaultMetadataCannotListKeywordsOnMariaDbUntilItsKeywordCacheIsFilled() throws Exception {
		// A class loader of its own: the driver's keyword cache is static, and other tests in this JVM
		// may have filled it already.
		URL driverJar = Class.forName("com.mysql.cj.jdbc.Driver").getProtectionDomain().getCodeSource().getLocation();
		try (URLClassLoader loader = new URLClassLoader(new URL[] { driverJar },
				ClassLoader.getPlatformClassLoader())) {
			Driver driver = (Driver) loader.loadClass("com.mysql.cj.jdbc.Driver").getDeclaredConstructor().newInstance();
			String url = MariaDbDriver.MYSQL.readerUrl(cluster.primary());
			Properties credentials = new Properties();
			credentials.setProperty("user", cluster.username());
			credentials.setProperty("password", cluster.password());
			try (Connection connection = driver.connect(url, credentials)) {
				assertThatExceptionOfType(SQLSyntaxErrorException.class)
					.isThrownBy(() -> connection.getMetaData().getSQLKeywords())
					.withMessage("Unknown column 'RESERVED' in 'WHERE'")
					.satisfies((ex) -> {
						assertThat(ex.getErrorCode()).isEqualTo(1054);
						assertThat(ex.getSQLState()).isEqualTo("42S22");
					});
			}
			try (Connection connection = driver.connect(url + "?" + METADATA_FLAG, credentials)) {
				assertThat(connection.getMetaData().getSQLKeywords()).isNotEmpty();
			}
			try (Connection connection = driver.connect(url, credentials)) {
				assertThat(connection.getMetaData().getSQLKeywords())
					.as("from the cache the connection with %s filled", METADATA_FLAG)
					.isNotEmpty();
			}
		}
	}

	@Test
	void withoutThePlatformHibernateFailsOrTakesMariaDbForMySql() {
		// Which of the two depends on the driver's JVM-wide keyword cache (see above).
		hibernate("").run((context) -> {
			if (context.getStartupFailure() != null) {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(HibernateException.class)
					.hasMessageStartingWith("Unable to determine Dialect without JDBC metadata");
			}
			else {
				assertThat(hibernateDialect(context)).isExactlyInstanceOf(MySQLDialect.class);
			}
		});
	}

	@Test
	void withReadableMetadataButWithoutThePlatformHibernateTakesMariaDbForMySql() {
		// Why the platform is needed even with useInformationSchema=false: the driver names the
		// product "MySQL", and Hibernate picks its MySQL dialect for a MariaDB server without a word.
		hibernate("?" + METADATA_FLAG).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(hibernateDialect(context)).isExactlyInstanceOf(MySQLDialect.class);
		});
	}

	@Test
	void withThePlatformAloneHibernateRunsItsMariaDbDialect() {
		// In a JVM where the driver's keyword cache is still empty, metadata fails (logged as
		// HHH100045) and the dialect takes its oldest supported version instead of the server's.
		hibernate("", "spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(hibernateDialect(context)).isExactlyInstanceOf(MariaDBDialect.class);
		});
	}

	/**
	 * A JPA application on MySQL Connector/J with URL flags on both pools, and no platform unless
	 * given.
	 */
	private static ApplicationContextRunner hibernate(String urlFlags, String... properties) {
		MariaDbNode primary = cluster.primary();
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, TransactionAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + MariaDbDriver.MYSQL.readerUrl(primary) + urlFlags,
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"rw-routing.readers.replica1.url=" + MariaDbDriver.MYSQL.readerUrl(cluster.replica(1)) + urlFlags,
					"rw-routing.dialect=mariadb", "rw-routing.monitor.enabled=false",
					"spring.jpa.hibernate.ddl-auto=none")
			.withPropertyValues(properties);
	}

	private static Dialect hibernateDialect(ApplicationContext context) {
		return context.getBean(EntityManagerFactory.class)
			.unwrap(SessionFactoryImplementor.class)
			.getJdbcServices()
			.getDialect();
	}

	private static DatabaseVersion serverVersion() throws SQLException {
		try (Connection connection = cluster.primary().connect()) {
			return DatabaseVersion.make(connection.getMetaData().getDatabaseMajorVersion(),
					connection.getMetaData().getDatabaseMinorVersion());
		}
	}

}
