package io.github.rwrouting.consistency;

/**
 * How reads after a write are kept from seeing older data.
 *
 * @author rw-routing
 */
public enum ConsistencyMode {

	/**
	 * A read runs on a replica only once that replica has replayed the caller's newest write
	 * (the commit position in the caller's token); else it waits briefly or runs on the writer.
	 */
	READ_YOUR_WRITES,

	/**
	 * For a fixed window after a write, the caller's reads run on the writer (Rails style). For
	 * comparison, and for databases without commit positions.
	 */
	TIME_WINDOW,

	/**
	 * Plain read-only routing: reads may see replica lag.
	 */
	NONE

}
