package io.github.rwrouting.topology;

import java.util.Locale;

/**
 * Why reads are kept away from a reader.
 *
 * @author rw-routing
 */
public enum ExclusionReason {

	/**
	 * Its replication lag is past its {@code max-lag}.
	 */
	LAG,

	/**
	 * The monitor cannot reach it, or it froze.
	 */
	DOWN,

	/**
	 * Reads failed to get or use its connections (a pool timeout, a dead connection), even though
	 * the monitor may still reach it.
	 */
	CONNECTION_FAILURES,

	/**
	 * It is not in recovery and is not the writer's own node: a promoted replica, or another
	 * cluster's primary. Its data may have diverged from the writer's.
	 */
	NOT_A_REPLICA;

	/**
	 * The reason as shown in health and logs.
	 * @return the lower-case, hyphenated name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
