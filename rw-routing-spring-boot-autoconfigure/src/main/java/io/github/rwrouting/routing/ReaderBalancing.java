package io.github.rwrouting.routing;

/**
 * How a read-only transaction picks among the readers that may serve it.
 *
 * @author rw-routing
 */
public enum ReaderBalancing {

	/**
	 * Each reader in turn.
	 */
	ROUND_ROBIN,

	/**
	 * The reader with the least replication lag; ties go round-robin.
	 */
	LEAST_LAG

}
