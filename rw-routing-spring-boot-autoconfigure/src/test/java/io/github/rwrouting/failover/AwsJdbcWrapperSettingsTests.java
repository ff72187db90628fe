package io.github.rwrouting.failover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AwsJdbcWrapperSettingsTests {

	@Test
	void theWrapperDialectIsSetOnlyWhereRwRoutingsDialectNamesItWithoutDoubt() {
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("mariadb")).isEqualTo("mariadb");
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("MariaDB")).isEqualTo("mariadb");
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("aurora-postgresql")).isEqualTo("aurora-pg");
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("aurora-mysql")).isEqualTo("aurora-mysql");
		// RDS or self-managed: the wrapper tells them apart.
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("postgresql")).isNull();
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("mysql")).isNull();
		assertThat(AwsJdbcWrapperSettings.wrapperDialect("auto")).isNull();
		assertThat(AwsJdbcWrapperSettings.wrapperDialect(null)).isNull();
	}

}
