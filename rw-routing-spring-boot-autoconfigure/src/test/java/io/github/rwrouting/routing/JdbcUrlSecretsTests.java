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
	void everythingFromTheFirstPasswordOnIsMasked() {
		assertThat(JdbcUrlSecrets.masked(
				"jdbc:mariadb://localhost:3306/app?user=app&password=s3cret&allowMultiQueries=true&sslPassword=k"))
			.isEqualTo("jdbc:mariadb://localhost:3306/app?user=app&password=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:postgresql://h/db?PASSWORD=a%26b")).isEqualTo("jdbc:postgresql://h/db?PASSWORD=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:postgresql://h/db?sslmode=require&sslPassword=k&x=y"))
			.isEqualTo("jdbc:postgresql://h/db?sslmode=require&sslPassword=******");
	}

	@Test
	void aRawPasswordWithSeparatorsIsMaskedWhole() {
		// MariaDB Connector/J writes the password into getURL() without encoding it.
		String masked = JdbcUrlSecrets.masked("jdbc:mariadb://h:3306/app?user=app&password=Xq&Zk,Wm;Vb)Ty&useSsl=false");
		assertThat(masked).isEqualTo("jdbc:mariadb://h:3306/app?user=app&password=******");
		assertThat(masked).doesNotContain("Xq").doesNotContain("Zk").doesNotContain("Wm").doesNotContain("Vb")
			.doesNotContain("Ty");
	}

	@Test
	void passwordsInPropertiesAndUserInfoAreMasked() {
		assertThat(JdbcUrlSecrets.masked("jdbc:sqlserver://h:1433;databaseName=app;user=sa;password=s3cret;encrypt=true"))
			.isEqualTo("jdbc:sqlserver://h:1433;databaseName=app;user=sa;password=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:mysql://(host=h,port=3306,password=s3cret)/app"))
			.isEqualTo("jdbc:mysql://(host=h,port=3306,password=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:mysql://h:3306/app?user=a&password1=x&password2=y"))
			.isEqualTo("jdbc:mysql://h:3306/app?user=a&password1=******");
		assertThat(JdbcUrlSecrets.masked("jdbc:mysql://app:s3cret@h:3306/app")).isEqualTo("jdbc:mysql://app:******@h:3306/app");
	}

	@Test
	void urlsWithoutSecretsAreUnchanged() {
		String url = "jdbc:postgresql://primary:5432/app?targetServerType=primary&passwordless=false";
		assertThat(JdbcUrlSecrets.masked(url)).isEqualTo(url);
		assertThat(JdbcUrlSecrets.masked(null)).isNull();
	}

}
