package io.github.rwrouting.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwrouting.consistency.ConsistencyToken;
import org.jspecify.annotations.Nullable;

/**
 * Picks the reader for the next read-only transaction among those the monitor lets serve reads.
 *
 * @author rw-routing
 */
final class ReaderSelector {

	static final int NONE = -1;

	private final Route[] readers;

	private final ReaderBalancing balancing;

	private final AtomicInteger next = new AtomicInteger();

	ReaderSelector(List<Route> readers, ReaderBalancing balancing) {
		this.readers = readers.toArray(new Route[0]);
		this.balancing = balancing;
	}

	/**
	 * The index of the chosen reader, or {@link #NONE}.
	 */
	int select() {
		return select(null);
	}

	/**
	 * The index of a reader known to show a write, or {@link #NONE}: round-robin among them.
	 */
	int selectCaughtUp(ConsistencyToken.Entry write) {
		return select(write);
	}

	private int select(ConsistencyToken.@Nullable Entry write) {
		int count = this.readers.length;
		if (count == 0) {
			return NONE;
		}
		int start = (count == 1) ? 0 : Math.floorMod(this.next.getAndIncrement(), count);
		int chosen = NONE;
		long leastLag = Long.MAX_VALUE;
		for (int i = 0; i < count; i++) {
			int index = start + i;
			if (index >= count) {
				index -= count;
			}
			ReaderHealth health = this.readers[index].health();
			if (health.isAvailable() && (write == null || health.hasReplayed(write))) {
				if (this.balancing == ReaderBalancing.ROUND_ROBIN) {
					return index;
				}
				long lag = health.lagNanos();
				if (lag < leastLag) {
					leastLag = lag;
					chosen = index;
				}
			}
		}
		return chosen;
	}

	/**
	 * Why no reader could be chosen: lag when a reader that is up lags, else reader-down.
	 */
	RouteReason unavailableReason() {
		for (Route reader : this.readers) {
			if (reader.health().unavailableReason() == RouteReason.LAG) {
				return RouteReason.LAG;
			}
		}
		return RouteReason.READER_DOWN;
	}

}
