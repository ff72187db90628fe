package io.github.rwrouting.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.rwrouting.test.PostgresNode;

/**
 * Plain SQL on one node, outside the routing: for setting up and checking what reached which node.
 */
public final class Sql {

	private Sql() {
	}

	public static void execute(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * The first column of the first row, as an int (for {@code select count(*) ...}).
	 */
	public static int queryInt(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); ResultSet result = connection.createStatement().executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
