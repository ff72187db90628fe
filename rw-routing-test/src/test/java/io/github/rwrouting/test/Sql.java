package io.github.rwrouting.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC shortcuts for the tests. */
final class Sql {

    private Sql() {
    }

    static void execute(PostgresNode node, String sql) {
        try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + node + ": " + e.getMessage(), e);
        }
    }

    static List<String> strings(PostgresNode node, String query) {
        try (Connection connection = node.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(query + " on " + node + ": " + e.getMessage(), e);
        }
    }

    static String string(PostgresNode node, String query) {
        List<String> values = strings(node, query);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Writes a row on the primary and returns the primary's WAL position right after the commit. */
    static String insert(PostgresNode primary, String table, String value) {
        execute(primary, "INSERT INTO " + table + " VALUES ('" + value + "')");
        return primary.currentLsn();
    }
}
