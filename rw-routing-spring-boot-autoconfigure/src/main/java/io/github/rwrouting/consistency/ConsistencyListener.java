package io.github.rwrouting.consistency;

/**
 * Told of every consistency outcome, for metrics. Called on the hot path: must be quick, must not
 * throw.
 *
 * @author rw-routing
 */
public interface ConsistencyListener {

	/**
	 * Something happened to a token or to a read that carried one.
	 * @param outcome what happened
	 */
	void outcome(ConsistencyOutcome outcome);

	/**
	 * A read waited for a replica to catch up.
	 * @param nanos how long it waited
	 * @param caughtUp whether the replica caught up in time
	 */
	void waited(long nanos, boolean caughtUp);

}
