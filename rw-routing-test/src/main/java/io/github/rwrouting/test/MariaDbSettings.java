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
     * @param node     the node started
     * @param replica  whether it starts as a read-only replica (a promoted node starts writable)
     * @param settings options for all nodes from the builder, {@code name -> value}, applied last so they win
     */
    static List<String> command(MariaDbNode node, Path home, boolean replica, Map<String, String> settings) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("basedir", home.toString());
        options.put("datadir", node.dataDirectory().toString());
        options.put("tmpdir", node.directory().toString());
        // sockets, pid and logs in the node's directory, which the server user owns
        options.put("socket", node.directory().resolve(MariaDbNode.SOCKET_FILE).toString());
        options.put("pid-file", node.directory().resolve(MariaDbNode.PID_FILE).toString());
        options.put("log-error", node.logFile().toString());
        options.put("bind-address", MariaDbNode.HOST);
        options.put("port", Integer.toString(node.port()));
        options.put("server-id", Integer.toString(node.serverId()));
        // without it, 11.4 generates TLS certificates at every start: 24-33 s instead of about 1 s
        options.put("skip-ssl", null);
        options.put("skip-name-resolve", null);
        options.put("log-bin", "binlog");
        options.put("relay-log", "relay");
        options.put("binlog-format", "ROW");
        options.put("gtid-strict-mode", "1");
        options.put("log-slave-updates", "1");
        options.put("read-only", replica ? "1" : "0");
        // throwaway data, but a kill -9 must not lose acknowledged commits: written to the OS at commit, not synced
        options.put("innodb-flush-log-at-trx-commit", "2");
        options.put("sync-binlog", "0");
        options.put("innodb-doublewrite", "0");
        options.put("innodb-buffer-pool-size", "64M");
        options.put("log-warnings", "1"); // no note for every connection closed without COM_QUIT
        options.putAll(settings);
        List<String> command = new ArrayList<>();
        command.add(MariaDbBinaries.server().toString());
        command.add("--no-defaults"); // must come first; keeps a system my.cnf out
        command.addAll(storage());
        options.forEach((name, value) -> command.add("--" + name + (value == null ? "" : "=" + value)));
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
