package io.github.rwrouting.autoconfigure.dropin.excluding;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * An application that excludes {@code DataSourceAutoConfiguration} and builds its own pool, as
 * applications with a hand-made data source (and many tests) do. In a package of its own, so that
 * its component scan finds no other application.
 */
@SpringBootApplication(exclude = { DataSourceAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class })
public class ExcludingDataSourceApplication {

	@Bean
	DataSource dataSource(Environment environment) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("own");
		pool.setDriverClassName("org.postgresql.Driver");
		pool.setJdbcUrl(environment.getRequiredProperty("spring.datasource.url"));
		pool.setUsername(environment.getProperty("spring.datasource.username"));
		pool.setPassword(environment.getProperty("spring.datasource.password"));
		return pool;
	}

	@Bean
	JdbcTransactionManager transactionManager(DataSource dataSource) {
		return new JdbcTransactionManager(dataSource);
	}

}
