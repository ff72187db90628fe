package io.github.rwrouting.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The command-line options of the cluster's MariaDB servers (they read no option file: {@code --no-defaults}). */
final class MariaDbSettings {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_\\-]*");

    private MariaDbSettings() {
    }

    /**
     * Options that shape the files of a data directory, so the bootstrap and every server start use the same:
     * a small redo log and one undo tablespace keep the copied directory at about 25 MB instead of 140 MB.
     */
    static List<String> storage() {
        return List.of("--innodb-log-file-size=8M", "--innodb-undo-tablespaces=1");
    }

    /**
     * The server's command line: the cluster's defaults, then the builder's settings (so they win over the
     * defaults), then what makes this node itself (port, files, server id, role), which nothing overrides:
     * for a repeated option, mariadbd takes the last value.
     *
     * @param node     the node started
     * @param replica  whether it starts as a read-only replica (a promoted node starts writable)
     * @param settings options for all nodes from the builder, {@code name -> value}
     */
    static List<String> command(MariaDbNode node, Path home, boolean replica, Map<String, String> settings) {
        Map<String, String> defaults = new LinkedHashMap<>();
        // without it, 11.4 generates TLS certificates at every start: 24-33 s instead of about 1 s
        defaults.put("skip-ssl", null);
        defaults.put("skip-name-resolve", null);
        defaults.put("log-bin", "binlog");
        defaults.put("relay-log", "relay");
        defaults.put("binlog-format", "ROW");
        defaults.put("gtid-strict-mode", "1");
        defaults.put("log-slave-updates", "1");
        // throwaway data, but a kill -9 must not lose acknowledged commits: written to the OS at commit, not synced
        defaults.put("innodb-flush-log-at-trx-commit", "2");
        defaults.put("sync-binlog", "0");
        defaults.put("innodb-doublewrite", "0");
        defaults.put("innodb-buffer-pool-size", "64M");
        defaults.put("log-warnings", "1"); // no note for every connection closed without COM_QUIT
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("basedir", home.toString());
        identity.put("datadir", node.dataDirectory().toString());
        identity.put("tmpdir", node.directory().toString());
        // sockets, pid and logs in the node's directory, which the server user owns
        identity.put("socket", node.directory().resolve(MariaDbNode.SOCKET_FILE).toString());
        identity.put("pid-file", node.directory().resolve(MariaDbNode.PID_FILE).toString());
        identity.put("log-error", node.logFile().toString());
        identity.put("bind-address", MariaDbNode.HOST);
        identity.put("port", Integer.toString(node.port()));
        identity.put("server-id", Integer.toString(node.serverId()));
        identity.put("read-only", replica ? "1" : "0");
        List<String> command = new ArrayList<>();
        command.add(MariaDbBinaries.server().toString());
        command.add("--no-defaults"); // must come first; keeps a system my.cnf out
        command.addAll(storage());
        for (Map<String, String> options : List.of(defaults, settings, identity)) {
            options.forEach((name, value) -> command.add("--" + name + (value == null ? "" : "=" + value)));
        }
        return command;
    }

    static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a MariaDB server option name (lower case, '-' or '_'): " + name);
        }
    }

    static void validateValue(String name, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Invalid value for server option " + name + ": " + value);
        }
    }
}
