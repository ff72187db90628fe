package io.github.rwrouting.topology;

/**
 * Told when the node behind the writer pool stops being the primary, so that the pool's connections
 * can be retired.
 *
 * @author rw-routing
 */
@FunctionalInterface
public interface WriterRoleListener {

	/**
	 * The writer pool reaches a replica.
	 * @param status the writer's status
	 */
	void writerDemoted(NodeStatus status);

	/**
	 * The writer pool reaches the primary again after it reached a replica.
	 * @param status the writer's status
	 */
	default void writerRestored(NodeStatus status) {
	}

}
