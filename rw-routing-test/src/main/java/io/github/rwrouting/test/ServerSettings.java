package io.github.rwrouting.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The postgresql.conf and pg_hba.conf content of the cluster's servers. */
final class ServerSettings {

    /** Appended to every node's postgresql.conf, so that per-node values (port, upstream) win. */
    static final String NODE_FILE = "node.conf";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private ServerSettings() {
    }

    static Map<String, String> shared(int replicas, Map<String, String> userSettings) {
        int senders = Math.max(10, replicas + 5);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", PostgresNode.HOST);
        settings.put("unix_socket_directories", ""); // TCP only: no socket files, no clash over /tmp/.s.PGSQL.*
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", Integer.toString(senders));
        settings.put("max_replication_slots", Integer.toString(senders));
        settings.put("hot_standby", "on");
        settings.put("hot_standby_feedback", "on");
        settings.put("wal_keep_size", "256MB");
        settings.put("fsync", "off"); // throwaway data: durability only costs time
        settings.put("shared_buffers", "32MB");
        settings.put("max_connections", "100");
        settings.put("log_min_messages", "warning");
        settings.put("logging_collector", "off");
        // a standby whose upstream went away (kill, restart) reconnects quickly instead of after the 5 s default
        settings.put("wal_retrieve_retry_interval", "200ms");
        settings.putAll(userSettings);
        return settings;
    }

    static String render(Map<String, String> settings) {
        StringBuilder text = new StringBuilder();
        settings.forEach((name, value) -> text.append(name).append(" = ").append(quote(value)).append('\n'));
        return text.toString();
    }

    static String sharedConfigFile(int replicas, Map<String, String> userSettings) {
        return "\n# added by rw-routing-test\n" + render(shared(replicas, userSettings))
                + "include_if_exists '" + NODE_FILE + "'\n";
    }

    static String hba() {
        return "\n# added by rw-routing-test\n"
                + "host all all 127.0.0.1/32 trust\n"
                + "host replication all 127.0.0.1/32 trust\n";
    }

    static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a PostgreSQL setting name: " + name);
        }
    }

    static void validateValue(String name, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Invalid value for setting " + name + ": " + value);
        }
    }

    /** Every setting type accepts a quoted value, so quoting everything avoids guessing types. */
    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
