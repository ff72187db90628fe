package io.github.rwrouting.failover;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverExceptionsTests {

	@Test
	void connectionAndShutdownErrorsAreFailovers() {
		for (String state : new String[] { "08006", "08001", "08S02", "08007", "57P01", "57P02", "57P03" }) {
			assertThat(FailoverExceptions.isFailover(new SQLException("x", state))).as(state).isTrue();
		}
		assertThat(FailoverExceptions.isFailover(new RuntimeException(new SQLException("x", "08006")))).isTrue();
		assertThat(FailoverExceptions.isFailover(new WriterDemotedException("writer", new SQLException("ro", "25006"))))
			.isTrue();
	}

	@Test
	void otherErrorsAreNot() {
		for (String state : new String[] { "23505", "42P01", "40001", "25006", "57014" }) {
			assertThat(FailoverExceptions.isFailover(new SQLException("x", state))).as(state).isFalse();
		}
		assertThat(FailoverExceptions.isFailover(new SQLException("no state"))).isFalse();
		assertThat(FailoverExceptions.isFailover(null)).isFalse();
	}

	@Test
	void mariaDbAndMysqlConnectionLossesAreFailovers() {
		// MariaDB Connector/J: a killed connection is an SQLTimeoutException with SQLSTATE 70100.
		SQLException killed = new SQLTimeoutException("Connection was killed", "70100", 1927);
		assertThat(FailoverExceptions.isFailover(killed)).isTrue();
		assertThat(FailoverExceptions.isConnectionFailure(killed)).isTrue();
		SQLException shutdown = new SQLException("Server shutdown in progress", "08S01", 1053);
		assertThat(FailoverExceptions.isFailover(shutdown)).isTrue();
		assertThat(FailoverExceptions.isConnectionFailure(shutdown)).isTrue();
		for (int clientCode : new int[] { 2006, 2013 }) {
			SQLException lost = new SQLException("Lost connection", "HY000", clientCode);
			assertThat(FailoverExceptions.isFailover(lost)).as("%d", clientCode).isTrue();
			assertThat(FailoverExceptions.isConnectionFailure(lost)).as("%d", clientCode).isTrue();
		}
		// MariaDB Connector/J's HA mode reconnected and lost the open transaction (seen in FailoverDrill).
		SQLException reconnected = new SQLTransientConnectionException("Driver has reconnect connection after a "
				+ "communications link failure with 127.0.0.1:3306. In progress transaction was lost", "25S03");
		assertThat(FailoverExceptions.isFailover(reconnected)).isTrue();
		assertThat(FailoverExceptions.isConnectionFailure(reconnected)).isTrue();
	}

	@Test
	void anInterruptedQueryIsNotAFailover() {
		// Same SQLSTATE as a killed connection: KILL QUERY (1317) and max_statement_time (1969).
		for (int code : new int[] { 1317, 1969 }) {
			SQLException interrupted = new SQLTimeoutException("Query execution was interrupted", "70100", code);
			assertThat(FailoverExceptions.isFailover(interrupted)).as("%d", code).isFalse();
			assertThat(FailoverExceptions.isConnectionFailure(interrupted)).as("%d", code).isFalse();
		}
	}

	@Test
	void readOnlyRefusalsOfEveryFamily() {
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException("read-only transaction", "25006"))).isTrue();
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException(
				"The MariaDB server is running with the --read-only option so it cannot execute this statement",
				"HY000", 1290)))
			.isTrue();
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException(
				"The MySQL server is running with the --super-read-only option so it cannot execute this statement",
				"HY000", 1290)))
			.isTrue();
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException("Running in read-only mode", "HY000", 1836)))
			.isTrue();
		// 1290 for another option is not a read-only server.
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException(
				"The MySQL server is running with the --secure-file-priv option so it cannot execute this statement",
				"HY000", 1290)))
			.isFalse();
		assertThat(FailoverExceptions.isReadOnlyRefusal(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
		// A refusal is not itself a failover: only the writer pool's refusal is (WriterDemotedException).
		assertThat(FailoverExceptions.isFailover(new SQLException("--read-only", "HY000", 1290))).isFalse();
	}

	@Test
	void aLostCommitHasAnUnknownOutcome() {
		assertThat(FailoverExceptions.isCommitOutcomeUnknown(new SQLException("x", "08007"))).isTrue();
		assertThat(FailoverExceptions.isCommitOutcomeUnknown(
				new TransientDataAccessResourceException("JDBC commit", new SQLException("lost", "08007"))))
			.isTrue();
		assertThat(FailoverExceptions.isCommitOutcomeUnknown(new SQLException("io", "08006"))).isFalse();
	}

	@Test
	void aFailedRollbackKeepsTheFailoverThatCausedIt() {
		TransactionSystemException rollbackFailure = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		assertThat(FailoverExceptions.isFailover(rollbackFailure)).isFalse();
		rollbackFailure.initApplicationException(new SQLException("terminating connection", "57P01"));
		assertThat(FailoverExceptions.isFailover(rollbackFailure)).isTrue();
	}

	@Test
	void translatesFailoversToTransientExceptions() {
		FailoverSqlExceptionTranslator translator = new FailoverSqlExceptionTranslator(new SimpleDriverDataSource());
		assertThat(translator.translate("insert", "insert into t values (1)", new SQLException("gone", "57P01")))
			.isInstanceOf(TransientDataAccessResourceException.class)
			.hasMessageContaining("gone");
		assertThat(translator.translate("insert", "insert into t values (1)", new SQLException("dup", "23505")))
			.isInstanceOf(DataIntegrityViolationException.class);
	}

}
