package io.github.rwrouting.autoconfigure.faults;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application the fault tests run: every auto-configuration on the test classpath (routing,
 * Actuator health, metrics) except JPA, so that transactions run through Spring Boot's
 * {@code DataSourceTransactionManager}; a read service and a write service.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
class FaultApplication {

	static final String SCHEMA = "create table if not exists fault_writes (id bigserial primary key, note text not null);"
			+ "create table if not exists fault_blocker (id bigserial primary key)";

	@Bean
	Reads reads(JdbcClient jdbc) {
		return new Reads(jdbc);
	}

	@Bean
	Writes writes(JdbcClient jdbc) {
		return new Writes(jdbc);
	}

	/**
	 * Which node served a read, and whether it saw a given write.
	 *
	 * @param port the server port of the node ({@code inet_server_port()})
	 * @param inRecovery whether the node was a standby ({@code pg_is_in_recovery()})
	 * @param found whether the row asked for was visible
	 */
	record Served(int port, boolean inRecovery, boolean found) {

	}

	public static class Reads {

		private final JdbcClient jdbc;

		Reads(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public Served read(long writtenId) {
			return this.jdbc
				.sql("select inet_server_port(), pg_is_in_recovery(), exists (select 1 from fault_writes where id = ?)")
				.param(writtenId)
				.query((rs, row) -> new Served(rs.getInt(1), rs.getBoolean(2), rs.getBoolean(3)))
				.single();
		}

	}

	public static class Writes {

		private final JdbcClient jdbc;

		Writes(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * Insert a row; the id is acknowledged once this returns (the transaction committed).
		 */
		@Transactional
		public long insert() {
			return this.jdbc.sql("insert into fault_writes (note) values ('load') returning id")
				.query(Long.class)
				.single();
		}

		/**
		 * Insert into a table the test has locked: holds a writer connection until the lock goes.
		 */
		@Transactional
		public void insertBlocked() {
			this.jdbc.sql("insert into fault_blocker default values").update();
		}

	}

}
