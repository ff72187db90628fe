package io.github.rwrouting.topology;

/**
 * Told when the replica monitor finds a reader that was serving reads frozen or dead, so that work
 * still running on it can be released instead of waiting for the network to give up.
 *
 * @author rw-routing
 */
@FunctionalInterface
public interface ReaderDownListener {

	/**
	 * A reader stopped answering the monitor.
	 * @param reader the reader's node
	 * @param status what the monitor saw
	 */
	void readerDown(NodeState reader, NodeStatus status);

}
