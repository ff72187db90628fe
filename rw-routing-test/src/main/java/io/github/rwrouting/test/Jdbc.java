package io.github.rwrouting.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/** One-statement JDBC round trips, each on its own short-lived connection, for the library's own queries. */
final class Jdbc {

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * The first row of the statement's result mapped, or {@code null} without a row or result set; with the
     * PostgreSQL driver's connection properties.
     */
    static <T> T queryOne(String url, String user, Duration timeout, String sql, RowMapper<T> mapper,
            Object... parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("connectTimeout", "10");
        // bounded, so that a query to a frozen server fails instead of hanging forever
        properties.setProperty("socketTimeout", Long.toString(Math.max(30, timeout.toSeconds())));
        properties.setProperty("ApplicationName", "rw-routing-test");
        return queryOne(url, properties, sql, mapper, parameters);
    }

    /** The first row of the statement's result mapped, or {@code null} without a row or result set. */
    static <T> T queryOne(String url, Properties properties, String sql, RowMapper<T> mapper, Object... parameters)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            if (parameters.length == 0) {
                // the simple protocol, for utility statements such as CREATE DATABASE and ALTER SYSTEM
                try (Statement statement = connection.createStatement()) {
                    return statement.execute(sql) ? firstRow(statement, mapper) : null;
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                return statement.execute() ? firstRow(statement, mapper) : null;
            }
        }
    }

    private static <T> T firstRow(Statement statement, RowMapper<T> mapper) throws SQLException {
        try (ResultSet rs = statement.getResultSet()) {
            return rs.next() ? mapper.map(rs) : null;
        }
    }
}
