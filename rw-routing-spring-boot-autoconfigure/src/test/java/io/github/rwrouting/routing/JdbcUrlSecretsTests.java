package io.github.rwrouting.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JdbcUrlSecrets}.
 *
 * @author rw-routing
 */
class JdbcUrlSecretsTests {

	@Test
	void passwordsInTheQueryStringAreMasked() {
		assertThat(JdbcUrlSecrets.masked(
				"jdbc:mariadb://localhost:3306/app?user=app&password=s3cret&allowMultiQueries=true&sslPassword=k&keyStorePassword=x"))
			.isEqualTo("jdbc:mariadb://localhost:3306/app?user=app&password=******&allowMultiQueries=true"
					+ "&sslPassword=******&keyStorePassword=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:postgresql://h/db?PASSWORD=a%26b")).isEqualTo("jdbc:postgresql://h/db?PASSWORD=******");
	}

	@Test
	void passwordsInPropertiesAndUserInfoAreMasked() {
		assertThat(JdbcUrlSecrets.masked("jdbc:sqlserver://h:1433;databaseName=app;user=sa;password=s3cret;encrypt=true"))
			.isEqualTo("jdbc:sqlserver://h:1433;databaseName=app;user=sa;password=******;encrypt=true");
		assertThat(JdbcUrlSecrets.masked("jdbc:mysql://(host=h,port=3306,password=s3cret)/app"))
			.isEqualTo("jdbc:mysql://(host=h,port=3306,password=******)/app");
		assertThat(JdbcUrlSecrets.masked("jdbc:mysql://app:s3cret@h:3306/app")).isEqualTo("jdbc:mysql://app:******@h:3306/app");
	}

	@Test
	void urlsWithoutSecretsAreUnchanged() {
		String url = "jdbc:postgresql://primary:5432/app?targetServerType=primary&passwordless=false";
		assertThat(JdbcUrlSecrets.masked(url)).isEqualTo(url);
		assertThat(JdbcUrlSecrets.masked(null)).isNull();
	}

}
