package io.github.rwrouting.consistency;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Holds the consistency token of the current scope: the current web request (the servlet filter
 * opens and closes it), else the current thread. Work handed to other threads carries it through
 * context propagation; explicit scopes use {@link #call(ConsistencyToken, Callable)}.
 *
 * @author rw-routing
 */
public class ConsistencyContext {

	private final ThreadLocal<ConsistencyToken> current = new ThreadLocal<>();

	/**
	 * The current scope's token.
	 * @return the token, or {@code null} before any write or token
	 */
	public @Nullable ConsistencyToken current() {
		return this.current.get();
	}

	/**
	 * Replace the current scope's token.
	 * @param token the token, or {@code null} to clear it
	 */
	public void set(@Nullable ConsistencyToken token) {
		if (token != null) {
			this.current.set(token);
		}
		else {
			this.current.remove();
		}
	}

	/**
	 * Merge a token into the current scope's token (for example one a downstream service returned).
	 * @param token the token, or {@code null}
	 */
	public void merge(@Nullable ConsistencyToken token) {
		if (token != null) {
			ConsistencyToken existing = this.current.get();
			this.current.set((existing != null) ? existing.merge(token) : token);
		}
	}

	/**
	 * Run a block with a token as its scope, and get the token it produced.
	 * @param <T> the block's result type
	 * @param token the token to start with, or {@code null}
	 * @param block the block
	 * @return the block's result and the token after it
	 * @throws Exception what the block threw
	 */
	public <T> Scoped<T> call(@Nullable ConsistencyToken token, Callable<T> block) throws Exception {
		ConsistencyToken outer = this.current.get();
		set(token);
		try {
			T result = block.call();
			return new Scoped<>(result, this.current.get());
		}
		finally {
			set(outer);
		}
	}

	/**
	 * Run a block with a token as its scope.
	 * @param token the token to start with, or {@code null}
	 * @param block the block
	 * @return the token after the block
	 */
	public @Nullable ConsistencyToken run(@Nullable ConsistencyToken token, Runnable block) {
		ConsistencyToken outer = this.current.get();
		set(token);
		try {
			block.run();
			return this.current.get();
		}
		finally {
			set(outer);
		}
	}

	/**
	 * A block's result and the token it ended with.
	 *
	 * @param <T> the result type
	 * @param result the block's result
	 * @param token the token after the block
	 */
	public record Scoped<T>(T result, @Nullable ConsistencyToken token) {

	}

}
