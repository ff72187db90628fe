package io.github.rwrouting.autoconfigure.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;

/**
 * Concurrent reads and writes through the application while a test breaks a node: reader threads
 * run read-only transactions (every other thread carries the consistency token of the newest
 * acknowledged write and checks that it sees that write), writer threads insert rows and record
 * the ids whose transaction committed. Every read is recorded with its timing, the node that
 * served it, or its failure.
 */
final class FaultLoad implements AutoCloseable {

	// Each thread starts its next operation this long after the last one began (if it is done by
	// then): enough load to reach every pool all the time without saturating a shared two-core machine.
	private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final FaultApplication.Reads reads;

	private final FaultApplication.Writes writes;

	private final ConsistencyContext consistency;

	private final Queue<Read> recorded = new ConcurrentLinkedQueue<>();

	private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

	private final Queue<Throwable> writeFailures = new ConcurrentLinkedQueue<>();

	private final AtomicReference<Written> newestWrite = new AtomicReference<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	FaultLoad(FaultApplication.Reads reads, FaultApplication.Writes writes, ConsistencyContext consistency,
			int readerThreads, int writerThreads) {
		this.reads = reads;
		this.writes = writes;
		this.consistency = consistency;
		for (int i = 0; i < writerThreads; i++) {
			this.threads.add(new Thread(this::writeLoop, "fault-writer-" + i));
		}
		for (int i = 0; i < readerThreads; i++) {
			boolean withToken = (i % 2) == 1;
			this.threads.add(new Thread(() -> readLoop(withToken), "fault-reader-" + i));
		}
		this.threads.forEach((thread) -> thread.setDaemon(true));
	}

	void start() {
		this.running = true;
		this.threads.forEach(Thread::start);
	}

	/**
	 * Let the load run for a while: the length of a fault or of a phase, not a synchronisation.
	 */
	void runFor(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		long remaining;
		while ((remaining = end - System.nanoTime()) > 0) {
			LockSupport.parkNanos(remaining);
		}
	}

	/**
	 * Stop the load and wait, with a deadline, for every thread to finish its last operation.
	 * @throws AssertionError if a thread is still stuck in an operation after the deadline
	 */
	void stop(Duration deadline) {
		this.running = false;
		long end = System.nanoTime() + deadline.toNanos();
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			if (thread.isAlive()) {
				throw new AssertionError(thread.getName() + " is still in an operation " + deadline.toSeconds()
						+ " s after the load stopped");
			}
		}
	}

	@Override
	public void close() {
		this.running = false;
	}

	List<Read> reads() {
		return List.copyOf(this.recorded);
	}

	Set<Long> acknowledged() {
		return Set.copyOf(this.acknowledged);
	}

	List<Throwable> writeFailures() {
		return List.copyOf(this.writeFailures);
	}

	private void writeLoop() {
		long next = System.nanoTime();
		while (this.running) {
			next = pace(next);
			try {
				ConsistencyContext.Scoped<Long> written = this.consistency.call(null, this.writes::insert);
				this.acknowledged.add(written.result());
				if (written.token() != null) {
					this.newestWrite.set(new Written(written.result(), written.token()));
				}
			}
			catch (Throwable ex) {
				this.writeFailures.add(ex);
			}
		}
	}

	private void readLoop(boolean withToken) {
		long next = System.nanoTime();
		while (this.running) {
			next = pace(next);
			Written write = withToken ? this.newestWrite.get() : null;
			long start = System.nanoTime();
			try {
				FaultApplication.Served served = (write != null)
						? this.consistency.call(write.token(), () -> this.reads.read(write.id())).result()
						: this.consistency.call(null, () -> this.reads.read(-1)).result();
				this.recorded.add(new Read(start, System.nanoTime(), served.port(), served.inRecovery(), write != null,
						write == null || served.found(), null));
			}
			catch (Throwable ex) {
				this.recorded.add(new Read(start, System.nanoTime(), -1, false, write != null, false, ex));
			}
		}
	}

	private long pace(long next) {
		LockSupport.parkNanos(next - System.nanoTime());
		return Math.max(next + PACE_NANOS, System.nanoTime());
	}

	/**
	 * The newest acknowledged write and the token that proves it.
	 */
	private record Written(long id, ConsistencyToken token) {

	}

	/**
	 * One read-only transaction as a client saw it.
	 *
	 * @param startNanos when it began ({@link System#nanoTime()})
	 * @param endNanos when it returned or failed
	 * @param port the port of the node that served it, {@code -1} if it failed
	 * @param inRecovery whether that node was a standby
	 * @param withToken whether it carried the token of an acknowledged write
	 * @param sawItsWrite whether it saw that write (always {@code true} without a token)
	 * @param failure what it failed with, or {@code null}
	 */
	record Read(long startNanos, long endNanos, int port, boolean inRecovery, boolean withToken, boolean sawItsWrite,
			Throwable failure) {

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.endNanos - this.startNanos);
		}

		boolean overlaps(long fromNanos, long toNanos) {
			return this.endNanos >= fromNanos && this.startNanos <= toNanos;
		}

	}

}
