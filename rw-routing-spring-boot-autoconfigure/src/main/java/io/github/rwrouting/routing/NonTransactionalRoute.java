package io.github.rwrouting.routing;

/**
 * Where statements outside a transaction (auto-commit mode, no Spring transaction) run.
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
	READER,

	/**
	 * Each statement by its SQL: a plain read ({@code SELECT}, {@code SHOW}, {@code VALUES},
	 * {@code WITH} without a data-modifying part) on a reader, honouring the caller's consistency
	 * token like a read-only transaction; anything else on the writer. A statement a replica refuses
	 * as a write (a {@code SELECT} calling a function that writes) runs again on the writer.
	 */
	AUTO

}
