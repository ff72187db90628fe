package io.github.rwrouting.testcontainers;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until it holds or a deadline passes: everything in this module that waits for a
 * server does so through here.
 *
 * @author rw-routing
 */
final class Await {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private Await() {
	}

	/**
	 * Waits until {@code condition} returns {@code true}. An exception thrown by the condition counts as
	 * "not yet" (a server that is still starting refuses connections) and becomes the cause of the
	 * timeout error.
	 * @throws AssertionError when the deadline passes first
	 */
	static void until(Callable<Boolean> condition, Duration timeout, String description) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Exception lastFailure = null;
		while (true) {
			try {
				if (Boolean.TRUE.equals(condition.call())) {
					return;
				}
				lastFailure = null;
			}
			catch (Exception ex) {
				lastFailure = ex;
			}
			if (System.nanoTime() - deadline >= 0) {
				AssertionError error = new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting until "
						+ description + ((lastFailure != null) ? " (last failure: " + lastFailure + ")" : ""));
				if (lastFailure != null) {
					error.initCause(lastFailure);
				}
				throw error;
			}
			LockSupport.parkNanos(POLL_NANOS);
			if (Thread.currentThread().isInterrupted()) {
				throw new IllegalStateException("Interrupted while waiting until " + description);
			}
		}
	}

}
