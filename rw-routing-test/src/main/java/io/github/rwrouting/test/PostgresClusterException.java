package io.github.rwrouting.test;

/**
 * Thrown when a PostgreSQL server of a {@link PostgresCluster} cannot be set up, started, stopped or queried.
 * When a server fails to start, the message ends with the tail of that server's log. Steps shared with other
 * clusters (running a command, preparing a directory, the server user, the watchdog) throw the superclass.
 */
public class PostgresClusterException extends DatabaseClusterException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     */
    public PostgresClusterException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public PostgresClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
