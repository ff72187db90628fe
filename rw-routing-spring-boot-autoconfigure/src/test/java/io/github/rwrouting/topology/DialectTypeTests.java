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
	}

	@Test
	void eachTypeButAutoCreatesItsDialect() {
		assertThat(DialectType.AUTO.create()).isNull();
		assertThat(DialectType.POSTGRESQL.create()).isExactlyInstanceOf(PostgresDialect.class);
		assertThat(DialectType.AURORA_POSTGRESQL.create()).isExactlyInstanceOf(AuroraPostgresDialect.class);
		for (DialectType type : DialectType.values()) {
			DatabaseDialect dialect = type.create();
			if (dialect != null) {
				assertThat(dialect.name()).isEqualTo(type.value());
			}
		}
	}

	@Test
	void anUnknownValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> DialectType.of("mysql")).withMessageContaining("mysql");
		assertThat(DialectType.accepted()).isEqualTo("auto, postgresql, aurora-postgresql");
	}

}
