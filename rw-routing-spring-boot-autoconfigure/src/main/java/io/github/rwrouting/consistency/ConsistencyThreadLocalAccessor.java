package io.github.rwrouting.consistency;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context propagation carry the consistency token into {@code @Async} methods,
 * executors decorated with {@code ContextPropagatingTaskDecorator}, and Reactor pipelines.
 *
 * @author rw-routing
 */
public class ConsistencyThreadLocalAccessor implements ThreadLocalAccessor<ConsistencyToken> {

	/**
	 * The key under which the token travels.
	 */
	public static final String KEY = "rw-routing.consistency-token";

	private final ConsistencyContext context;

	/**
	 * Create an accessor.
	 * @param context the scope holder
	 */
	public ConsistencyThreadLocalAccessor(ConsistencyContext context) {
		this.context = context;
	}

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable ConsistencyToken getValue() {
		return this.context.current();
	}

	@Override
	public void setValue(ConsistencyToken value) {
		this.context.set(value);
	}

	@Override
	public void setValue() {
		this.context.set(null);
	}

}
