package io.github.rwrouting.routing;

/**
 * Where statements outside a transaction (auto-commit mode) run.
 *
 * @author rw-routing
 */
public enum NonTransactionalRoute {

	/**
	 * On the writer: safe for statements that write, and always up to date.
	 */
	WRITER,

	/**
	 * On a reader, like a read-only transaction: for applications whose non-transactional work only reads.
	 */
	READER

}
