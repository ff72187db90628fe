package io.github.rwrouting.routing;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which errors of a statement on a reader are a refused write, across PostgreSQL, MariaDB and
 * MySQL, and their drivers (the codes and messages of the real servers and drivers, as the MariaDB
 * and PostgreSQL integration tests see them).
 */
class RoutedStatementsTests {

	@Test
	void aReadOnlyTransactionsRefusalIsAWriteRefused() {
		assertThat(RoutedStatements.isWriteRefused(new SQLException("cannot execute INSERT in a read-only transaction",
				"25006", 0))).isTrue();
		assertThat(RoutedStatements.isWriteRefused(
				new SQLException("Cannot execute statement in a READ ONLY transaction", "25006", 1792)))
			.isTrue();
	}

	@Test
	void aReadOnlyServersRefusalIsAWriteRefused() {
		assertThat(RoutedStatements.isWriteRefused(new SQLException(
				"The MariaDB server is running with the --read-only option so it cannot execute this statement",
				"HY000", 1290)))
			.isTrue();
		assertThat(RoutedStatements.isWriteRefused(new SQLException(
				"The MySQL server is running with the --super-read-only option so it cannot execute this statement",
				"HY000", 1836)))
			.isTrue();
	}

	@Test
	void mysqlConnectorJsOwnRefusalOnAReadOnlyConnectionIsAWriteRefused() {
		assertThat(RoutedStatements.isWriteRefused(new SQLException(
				"Connection is read-only. Queries leading to data modification are not allowed.", "S1009", 0)))
			.isTrue();
		assertThat(RoutedStatements.isWriteRefused(new SQLException("Illegal argument", "S1009", 0))).isFalse();
	}

	@Test
	void otherErrorsAreNot() {
		assertThat(RoutedStatements.isWriteRefused(new SQLException("syntax", "42000", 1064))).isFalse();
		assertThat(RoutedStatements.isWriteRefused(new SQLException("other general error", "HY000", 1205)))
			.isFalse();
		assertThat(RoutedStatements.isWriteRefused(new SQLException("Communications link failure", "08S01", 0)))
			.isFalse();
		assertThat(RoutedStatements.isWriteRefused(new SQLException("no state"))).isFalse();
	}

}
