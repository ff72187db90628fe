package io.github.rwrouting.metrics;

import io.github.rwrouting.failover.WriterPoolEvictor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.Retryable;

/**
 * Micrometer meters of failover handling: transaction retries and writer pool evictions.
 *
 * @author rw-routing
 */
public class FailoverMetrics implements RetryListener, MeterBinder {

	/**
	 * Failover retries of {@code @FailoverRetry} methods, tagged {@code outcome}: {@code retry} (one
	 * re-run), {@code recovered} (a re-run succeeded), {@code exhausted} (gave up).
	 */
	public static final String RETRIES = "rw.routing.failover.retries";

	/**
	 * Times the writer pool's connections were retired because its node was no longer the primary.
	 */
	public static final String WRITER_EVICTIONS = "rw.routing.failover.writer.evictions";

	private final @Nullable WriterPoolEvictor evictor;

	private volatile @Nullable Counter retry;

	private volatile @Nullable Counter recovered;

	private volatile @Nullable Counter exhausted;

	/**
	 * Create the meters' source.
	 * @param evictor the writer pool evictor, if any
	 */
	public FailoverMetrics(@Nullable WriterPoolEvictor evictor) {
		this.evictor = evictor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.retry = counter(registry, "retry");
		this.recovered = counter(registry, "recovered");
		this.exhausted = counter(registry, "exhausted");
		if (this.evictor != null) {
			FunctionCounter.builder(WRITER_EVICTIONS, this.evictor, WriterPoolEvictor::evictions)
				.description("Times the writer pool's connections were retired after its node was demoted")
				.register(registry);
		}
	}

	private static Counter counter(MeterRegistry registry, String outcome) {
		return Counter.builder(RETRIES)
			.description("Transactions re-run after a failover error")
			.tag("outcome", outcome)
			.register(registry);
	}

	@Override
	public void beforeRetry(RetryPolicy retryPolicy, Retryable<?> retryable, RetryState retryState) {
		increment(this.retry);
	}

	@Override
	public void onRetrySuccess(RetryPolicy retryPolicy, Retryable<?> retryable, @Nullable Object result) {
		increment(this.recovered);
	}

	@Override
	public void onRetryPolicyExhaustion(RetryPolicy retryPolicy, Retryable<?> retryable, RetryException exception) {
		increment(this.exhausted);
	}

	private static void increment(@Nullable Counter counter) {
		if (counter != null) {
			counter.increment();
		}
	}

}
