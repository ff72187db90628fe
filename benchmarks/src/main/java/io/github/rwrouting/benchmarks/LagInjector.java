package io.github.rwrouting.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Real replica lag: replays a schedule of lag values on the replica ({@link BenchmarkCluster#setLag}: on
 * PostgreSQL {@code recovery_min_apply_delay}, on MariaDB a replay gate). The replica keeps receiving the
 * primary's changes but applies each commit only later, so a read right after a write really misses it, and
 * the monitor really measures the lag.
 * <p>
 * The schedule is computed up front from a seed, and every change happens at a fixed offset from
 * the start of the mode, not after the previous change returned: every mode sees the same lag at
 * the same time, however long a change takes to apply.
 */
final class LagInjector implements Runnable {

	static final int MIN_HOLD_MILLIS = 1000;

	static final int MAX_HOLD_MILLIS = 2000;

	static final int MAX_DELAY_MILLIS = 200;

	static final int MIN_SPIKE_MILLIS = 1000;

	static final int MAX_SPIKE_MILLIS = 2000;

	static final int SPIKE_PERCENT = 10;

	/**
	 * One change of the replica's apply delay.
	 *
	 * @param atMillis when, from the start of the mode
	 * @param delayMillis the new lag
	 * @param spike whether this is one of the occasional long delays
	 */
	record Step(long atMillis, long delayMillis, boolean spike) {

	}

	private final BenchmarkCluster cluster;

	private final List<Step> schedule;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile int applied;

	private volatile long slowestChangeMillis;

	private volatile long totalChangeMillis;

	private volatile Throwable failure;

	LagInjector(BenchmarkCluster cluster, List<Step> schedule) {
		this.cluster = cluster;
		this.schedule = schedule;
	}

	/**
	 * Every 1-2 s a new delay: uniform in 0-200 ms, or in 10% of the changes a spike of 1-2 s, past
	 * the default max-lag of 1 s. The first change is at the start.
	 * @param seed the seed
	 * @param span how long the schedule must cover
	 * @return the steps, in time order
	 */
	static List<Step> schedule(long seed, Duration span) {
		Random random = new Random(seed);
		List<Step> steps = new ArrayList<>();
		long at = 0;
		while (at < span.toMillis()) {
			boolean spike = random.nextInt(100) < SPIKE_PERCENT;
			long delay = spike ? between(random, MIN_SPIKE_MILLIS, MAX_SPIKE_MILLIS) : between(random, 0, MAX_DELAY_MILLIS);
			steps.add(new Step(at, delay, spike));
			at += between(random, MIN_HOLD_MILLIS, MAX_HOLD_MILLIS);
		}
		return List.copyOf(steps);
	}

	private static long between(Random random, int min, int max) {
		return min + random.nextInt(max - min + 1);
	}

	@Override
	public void run() {
		long start = System.nanoTime();
		try {
			for (Step step : this.schedule) {
				long remaining = start + TimeUnit.MILLISECONDS.toNanos(step.atMillis()) - System.nanoTime();
				// Waits until the step is due, or returns at once when the mode ends.
				if (this.stopped.await(remaining, TimeUnit.NANOSECONDS)) {
					return;
				}
				long changeStart = System.nanoTime();
				this.cluster.setLag(Duration.ofMillis(step.delayMillis()));
				long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changeStart);
				this.slowestChangeMillis = Math.max(this.slowestChangeMillis, took);
				this.totalChangeMillis += took;
				this.applied++;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Throwable ex) {
			this.failure = ex;
		}
	}

	void stop() {
		this.stopped.countDown();
	}

	/**
	 * How many changes were made.
	 */
	int applied() {
		return this.applied;
	}

	/**
	 * The longest a change took to be in effect on the replica (PostgreSQL: ALTER SYSTEM, reload, check:
	 * each on a new connection, so slower when the machine is busy; MariaDB: the next closed phase of the
	 * replay gate takes it, so about 0). The delay starts to apply somewhere in
	 * between, which shifts the schedule a little differently in each mode.
	 */
	long slowestChangeMillis() {
		return this.slowestChangeMillis;
	}

	/**
	 * The mean time a change took, see {@link #slowestChangeMillis()}.
	 */
	long meanChangeMillis() {
		int count = this.applied;
		return (count > 0) ? this.totalChangeMillis / count : 0;
	}

	Throwable failure() {
		return this.failure;
	}

}
