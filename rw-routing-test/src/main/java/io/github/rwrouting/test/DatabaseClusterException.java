package io.github.rwrouting.test;

/**
 * Thrown when a server of a test cluster cannot be set up, started, stopped or queried. Steps shared by all
 * clusters (running a command, preparing a directory, switching to the server user, starting the cleanup
 * watchdog) throw this class; steps of one product throw its subclass, {@link PostgresClusterException} or
 * {@link MariaDbClusterException}. When a server fails to start, the message ends with the tail of its log.
 */
public class DatabaseClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     */
    public DatabaseClusterException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public DatabaseClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
