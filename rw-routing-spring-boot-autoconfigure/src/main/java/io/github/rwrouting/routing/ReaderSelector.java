package io.github.rwrouting.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Picks the reader for the next read-only transaction, round-robin.
 *
 * @author rw-routing
 */
final class ReaderSelector {

	private final Route[] readers;

	private final AtomicInteger next = new AtomicInteger();

	ReaderSelector(List<Route> readers) {
		this.readers = readers.toArray(new Route[0]);
	}

	@Nullable Route select() {
		int count = this.readers.length;
		if (count == 0) {
			return null;
		}
		if (count == 1) {
			return this.readers[0];
		}
		return this.readers[Math.floorMod(this.next.getAndIncrement(), count)];
	}

}
