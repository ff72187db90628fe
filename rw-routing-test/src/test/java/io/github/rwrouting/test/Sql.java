package io.github.rwrouting.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC shortcuts for the tests. */
final class Sql {

    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private Sql() {
    }

    static void execute(PostgresNode node, String sql) {
        execute(node::connect, node.toString(), sql);
    }

    static void execute(MariaDbNode node, String sql) {
        execute(node::connect, node.toString(), sql);
    }

    static List<String> strings(PostgresNode node, String query) {
        return strings(node::connect, node.toString(), query);
    }

    static List<String> strings(MariaDbNode node, String query) {
        return strings(node::connect, node.toString(), query);
    }

    static String string(PostgresNode node, String query) {
        return first(strings(node, query));
    }

    static String string(MariaDbNode node, String query) {
        return first(strings(node, query));
    }

    /** Writes a row on the primary and returns the primary's WAL position right after the commit. */
    static String insert(PostgresNode primary, String table, String value) {
        execute(primary, "INSERT INTO " + table + " VALUES ('" + value + "')");
        return primary.currentLsn();
    }

    /** Writes a row on the primary and returns the GTID of that transaction ({@code @@last_gtid}). */
    static String insert(MariaDbNode primary, String table, String value) {
        try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + table + " VALUES ('" + value + "')");
            try (ResultSet rs = statement.executeQuery("SELECT @@last_gtid")) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("insert into " + table + " on " + primary + ": " + e.getMessage(), e);
        }
    }

    private static void execute(Connector connector, String node, String sql) {
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + node + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Connector connector, String node, String query) {
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement();
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

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
