package io.github.rwrouting.topology;

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
	}

	@Test
	void eachTypeButAutoCreatesItsDialect() {
		assertThat(DialectType.AUTO.create()).isNull();
		assertThat(DialectType.POSTGRESQL.create()).isExactlyInstanceOf(PostgresDialect.class);
		assertThat(DialectType.AURORA_POSTGRESQL.create()).isExactlyInstanceOf(AuroraPostgresDialect.class);
		assertThat(DialectType.MARIADB.create()).isExactlyInstanceOf(MariaDbDialect.class);
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
		assertThat(auto.forUrl("jdbc:mysql://db:3306/app")).as("MySQL or MariaDB: not known from the URL").isNull();
		assertThat(new DialectResolver(DialectType.MARIADB).forUrl("jdbc:mysql://db:3306/app"))
			.isExactlyInstanceOf(MariaDbDialect.class);
	}

	@Test
	void anUnknownValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> DialectType.of("mysql")).withMessageContaining("mysql");
		assertThat(DialectType.accepted()).isEqualTo("auto, postgresql, aurora-postgresql, mariadb");
	}

}
