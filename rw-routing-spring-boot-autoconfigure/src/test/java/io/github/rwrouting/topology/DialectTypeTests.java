package io.github.rwrouting.topology;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DialectTypeTests {

	@Test
	void aConfiguredValueNamesItsTypeInAnyCase() {
		assertThat(DialectType.of("auto")).isEqualTo(DialectType.AUTO);
		assertThat(DialectType.of("PostgreSQL")).isEqualTo(DialectType.POSTGRESQL);
		assertThat(DialectType.of(" aurora-postgresql ")).isEqualTo(DialectType.AURORA_POSTGRESQL);
		assertThat(DialectType.of("MariaDB")).isEqualTo(DialectType.MARIADB);
		assertThat(DialectType.of("MySQL")).isEqualTo(DialectType.MYSQL);
		assertThat(DialectType.of("aurora-mysql")).isEqualTo(DialectType.AURORA_MYSQL);
	}

	@Test
	void eachTypeButAutoCreatesItsDialect() {
		assertThat(DialectType.AUTO.create()).isNull();
		assertThat(DialectType.POSTGRESQL.create()).isExactlyInstanceOf(PostgresDialect.class);
		assertThat(DialectType.AURORA_POSTGRESQL.create()).isExactlyInstanceOf(AuroraPostgresDialect.class);
		assertThat(DialectType.MARIADB.create()).isExactlyInstanceOf(MariaDbDialect.class);
		assertThat(DialectType.MYSQL.create()).isExactlyInstanceOf(MySqlDialect.class);
		assertThat(DialectType.AURORA_MYSQL.create()).isExactlyInstanceOf(AuroraMySqlDialect.class);
		for (DialectType type : DialectType.values()) {
			DatabaseDialect dialect = type.create();
			if (dialect != null) {
				assertThat(dialect.name()).isEqualTo(type.value());
			}
		}
	}

	@Test
	void theUrlNamesTheDialectUnlessOneIsConfigured() {
		DialectResolver auto = new DialectResolver(DialectType.AUTO);
		assertThat(auto.forUrl("jdbc:mariadb://db:3306/app")).isExactlyInstanceOf(MariaDbDialect.class);
		assertThat(auto.forUrl("jdbc:postgresql://db/app")).isExactlyInstanceOf(PostgresDialect.class);
		for (String url : new String[] { "jdbc:mysql://db:3306/app", "jdbc:aws-wrapper:mysql://db:3306/app",
				"jdbc:aws-wrapper:mariadb://db:3306/app" }) {
			assertThat(auto.forUrl(url)).as("MariaDB, MySQL or Aurora MySQL: asked on the server").isNull();
			assertThat(auto.monitorConnectionProperties(url, Duration.ofMillis(1500)))
				.as("monitored all the same")
				.containsEntry("connectTimeout", "1500")
				.containsEntry("socketTimeout", "1500");
		}
		assertThat(auto.monitorConnectionProperties("jdbc:h2:mem:app", Duration.ofSeconds(1))).isNull();
		assertThat(new DialectResolver(DialectType.MARIADB).forUrl("jdbc:mysql://db:3306/app"))
			.isExactlyInstanceOf(MariaDbDialect.class);
		assertThat(new DialectResolver(DialectType.MYSQL).forUrl("jdbc:mariadb://db:3306/app"))
			.isExactlyInstanceOf(MySqlDialect.class);
	}

	@Test
	void anUnknownValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> DialectType.of("oracle")).withMessageContaining("oracle");
		assertThat(DialectType.accepted())
			.isEqualTo("auto, postgresql, aurora-postgresql, mariadb, mysql, aurora-mysql");
	}

}
