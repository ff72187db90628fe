package io.github.rwrouting.test;

/**
 * Thrown when a MariaDB server of a {@link MariaDbCluster} cannot be set up, started, stopped or queried. When a
 * server fails to start, the message ends with the tail of that server's log.
 */
public class MariaDbClusterException extends DatabaseClusterException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     */
    public MariaDbClusterException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public MariaDbClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
