package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.rwrouting.test.MariaDbNode;

/**
 * Plain SQL on one MariaDB node as root, outside the routing: for setting up and checking what
 * reached which node.
 */
final class MariaDbSql {

	private MariaDbSql() {
	}

	static void execute(MariaDbNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * The first column of the first row, as an int (for {@code select count(*) ...}).
	 */
	static int queryInt(MariaDbNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); ResultSet result = connection.createStatement().executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
