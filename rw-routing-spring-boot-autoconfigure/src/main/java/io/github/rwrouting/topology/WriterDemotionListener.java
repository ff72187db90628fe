package io.github.rwrouting.topology;

/**
 * Told when a write fails on the writer with a read-only error although the transaction is not
 * read-only: the writer pool reached a node that is no longer the primary.
 *
 * @author rw-routing
 */
@FunctionalInterface
public interface WriterDemotionListener {

	/**
	 * The writer pool reached a read-only node.
	 */
	void writerDemoted();

}
