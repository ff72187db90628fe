package io.github.rwrouting.topology;

/**
 * What a database node currently is.
 *
 * @author rw-routing
 */
public enum NodeRole {

	/**
	 * Accepts writes.
	 */
	PRIMARY,

	/**
	 * A read-only replica (a hot standby, an Aurora reader).
	 */
	REPLICA,

	/**
	 * Not known: the node has not been reached yet.
	 */
	UNKNOWN

}
