package io.github.rwrouting.topology;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.ReplicatedMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A COMMIT that ran is never reported failed because the position read after it failed, against a
 * real MariaDB primary, in one round trip ({@code allowMultiQueries=true}) and in two.
 */
@ReplicatedMariaDb(replicas = 1)
class CommitThenReadIntegrationTests {

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table writes (id int auto_increment primary key, kind int not null)");
		}
	}

	@Test
	void aSelectOfATableTheServerLacksAfterTheCommitIsNoFailure() throws SQLException {
		// ER_NO_SUCH_TABLE (1146), raised by the SELECT only.
		CommitThenRead missingTable = new CommitThenRead("SELECT position FROM no_such_table",
				(result) -> new ReplicationPosition(1, result.getLong(1)));
		assertCommittedWithoutPosition(missingTable, 1);
	}

	@Test
	void aFailureReadingThePositionAfterTheCommitsAnswerIsNoFailure() throws SQLException {
		CommitThenRead failingReader = new CommitThenRead("SELECT @@last_gtid", (result) -> {
			throw new SQLException("position unreadable", "HY000", 9999);
		});
		assertCommittedWithoutPosition(failingReader, 2);
	}

	@Test
	void theSelectsOwnErrorsAreTheOnesTheCommitCannotRaise() {
		for (int selectOnly : new int[] { 1142, 1146, 1193, 1227 }) {
			assertThat(CommitThenRead.isSelectError(selectOnly)).as("error " + selectOnly).isTrue();
		}
		// Deadlock, lock wait timeout, read-only server: a COMMIT can fail with these.
		for (int commitError : new int[] { 1213, 1205, 1290, 1064 }) {
			assertThat(CommitThenRead.isSelectError(commitError)).as("error " + commitError).isFalse();
		}
	}

	private static void assertCommittedWithoutPosition(CommitThenRead capture, int kind) throws SQLException {
		for (String flags : new String[] { "?allowMultiQueries=true", "" }) {
			try (Connection connection = DriverManager.getConnection(cluster.primary().jdbcUrl() + flags,
					cluster.username(), cluster.password());
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.executeUpdate("insert into writes (kind) values (" + kind + ")");
				assertThat(capture.commit(connection)).as(flags).isEqualTo(ReplicationPosition.UNKNOWN);
				assertThat(connection.getAutoCommit()).isFalse();
				try (ResultSet result = statement.executeQuery("select @@in_transaction")) {
					result.next();
					assertThat(result.getInt(1)).as("no transaction left open").isZero();
				}
				connection.rollback();
			}
		}
		try (Connection primary = cluster.primary().connect(cluster.username(), cluster.password());
				Statement statement = primary.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from writes where kind = " + kind)) {
			result.next();
			assertThat(result.getInt(1)).as("both commits ran").isEqualTo(2);
		}
	}

}
