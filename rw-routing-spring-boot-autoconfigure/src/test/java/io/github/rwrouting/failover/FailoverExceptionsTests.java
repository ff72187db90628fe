package io.github.rwrouting.failover;

import java.sql.SQLException;

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
