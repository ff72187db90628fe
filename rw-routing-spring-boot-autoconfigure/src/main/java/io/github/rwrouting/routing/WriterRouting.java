package io.github.rwrouting.routing;

import org.springframework.core.NamedThreadLocal;

/**
 * A writer scope: the work run inside it reads from the writer, as if no reader existed. For the
 * reads that must see what was just written elsewhere (another service, a message, a job) when no
 * consistency token can say so, and for work that must not run on a replica at all.
 * <pre class="code">
 * Order order = WriterRouting.call(() -&gt; orders.findById(id));
 * WriterRouting.run(() -&gt; report.rebuild());
 * </pre>
 * The scope belongs to the current thread, as Spring's transaction synchronization does, and
 * applies to every connection whose first statement runs inside it, including a read-only
 * transaction that begins inside it. A transaction that already ran a statement on a reader before
 * the scope opened stays there. Writes go to the writer anyway. {@link RouteToWriter @RouteToWriter}
 * opens the same scope around a method.
 *
 * @author rw-routing
 */
public final class WriterRouting {

	private static final ThreadLocal<Boolean> scope = new NamedThreadLocal<>("rw-routing writer scope");

	private WriterRouting() {
	}

	/**
	 * Run work in a writer scope.
	 * @param work the work
	 */
	public static void run(Runnable work) {
		call(() -> {
			work.run();
			return null;
		});
	}

	/**
	 * Run work in a writer scope and return its result.
	 * @param <T> the result type
	 * @param <E> the exception the work may throw
	 * @param work the work
	 * @return what the work returned
	 * @throws E what the work threw
	 */
	public static <T, E extends Throwable> T call(Work<T, E> work) throws E {
		if (scope.get() != null) {
			return work.call();
		}
		scope.set(Boolean.TRUE);
		try {
			return work.call();
		}
		finally {
			scope.remove();
		}
	}

	/**
	 * Whether the current thread is in a writer scope.
	 * @return {@code true} inside {@link #run} or {@link #call} (or a {@code @RouteToWriter} method)
	 */
	public static boolean isActive() {
		return scope.get() != null;
	}

	/**
	 * Work run in a writer scope.
	 *
	 * @param <T> the result type
	 * @param <E> the exception the work may throw
	 */
	@FunctionalInterface
	public interface Work<T, E extends Throwable> {

		/**
		 * Do the work.
		 * @return the result
		 * @throws E on failure
		 */
		T call() throws E;

	}

}
