package io.github.rwrouting.routing;

/**
 * Why a transaction went where it went. The {@link #tagValue() tag value} is what metrics show.
 *
 * @author rw-routing
 */
public enum RouteReason {

	/**
	 * A read-write transaction: always the writer.
	 */
	READ_WRITE("read-write"),

	/**
	 * A read-only transaction served by a reader.
	 */
	READ_ONLY("read-only"),

	/**
	 * A read-only transaction sent to the writer because every reader was down or unreachable (or
	 * none is configured).
	 */
	READER_DOWN("reader-down"),

	/**
	 * A read-only transaction sent to the writer because every reader that is up lags past its
	 * {@code max-lag}.
	 */
	LAG("lag"),

	/**
	 * A read-only transaction sent to the writer because no reader had replayed the caller's newest
	 * write in time (read-your-writes), or within the time window after a write.
	 */
	CONSISTENCY("consistency"),

	/**
	 * Work outside a transaction (auto-commit), sent where {@code rw-routing.non-transactional} says.
	 */
	NON_TRANSACTIONAL("non-transactional"),

	/**
	 * Work that would have gone to a reader, sent to the writer because it ran in a writer scope
	 * ({@link RouteToWriter @RouteToWriter} or {@link WriterRouting}).
	 */
	FORCED("forced"),

	/**
	 * A statement outside a transaction that {@code rw-routing.non-transactional=auto} sent to a
	 * reader as a plain read, which the replica refused as a write: it ran again on the writer.
	 */
	WRITE_REFUSED("write-refused");

	private final String tagValue;

	RouteReason(String tagValue) {
		this.tagValue = tagValue;
	}

	/**
	 * The value used for the {@code reason} tag of routing metrics.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
