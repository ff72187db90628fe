package io.github.rwrouting.autoconfigure.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;

/**
 * Asks Spring Boot's {@link HealthEndpoint} (what {@code /actuator/health} answers) for the
 * application's health over and over, each time with a deadline: a health check that hangs counts
 * as not UP, as it would for a load balancer or an orchestrator probing the application.
 */
final class HealthSampler implements AutoCloseable {

	private static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final HealthEndpoint endpoint;

	private final Duration answerWithin;

	// A call that hangs keeps its thread until the node comes back: a new thread per call.
	private final ExecutorService calls = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "fault-health-call");
		thread.setDaemon(true);
		return thread;
	});

	private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();

	private final Thread sampler;

	private volatile boolean running = true;

	HealthSampler(HealthEndpoint endpoint, Duration answerWithin) {
		this.endpoint = endpoint;
		this.answerWithin = answerWithin;
		this.sampler = new Thread(this::sample, "fault-health-sampler");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	private void sample() {
		long next = System.nanoTime();
		while (this.running) {
			LockSupport.parkNanos(next - System.nanoTime());
			next = Math.max(next + EVERY_NANOS, System.nanoTime());
			long start = System.nanoTime();
			CompletableFuture<HealthDescriptor> call = CompletableFuture.supplyAsync(this.endpoint::health, this.calls);
			String outcome;
			boolean up;
			try {
				HealthDescriptor health = call.get(this.answerWithin.toMillis(), TimeUnit.MILLISECONDS);
				up = Status.UP.equals(health.getStatus());
				outcome = up ? "UP" : health.getStatus() + " " + notUp(health);
			}
			catch (TimeoutException ex) {
				up = false;
				outcome = "no answer within " + this.answerWithin.toMillis() + " ms";
			}
			catch (ExecutionException ex) {
				up = false;
				outcome = "failed: " + ex.getCause();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.samples.add(new Sample(start, System.nanoTime() - start, up, outcome));
		}
	}

	private static String notUp(HealthDescriptor health) {
		StringJoiner down = new StringJoiner(", ", "[", "]");
		collectNotUp("", health, down);
		return down.toString();
	}

	private static void collectNotUp(String path, HealthDescriptor health, StringJoiner down) {
		if (health instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
			for (Map.Entry<String, HealthDescriptor> component : composite.getComponents().entrySet()) {
				collectNotUp(path.isEmpty() ? component.getKey() : path + "/" + component.getKey(),
						component.getValue(), down);
			}
		}
		else if (!Status.UP.equals(health.getStatus())) {
			down.add(path + "=" + health.getStatus());
		}
	}

	List<Sample> samples() {
		return List.copyOf(this.samples);
	}

	@Override
	public void close() {
		this.running = false;
		try {
			this.sampler.join(this.answerWithin.toMillis() + 5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.calls.shutdownNow();
	}

	/**
	 * One health call.
	 *
	 * @param startNanos when it was made
	 * @param tookNanos how long until it answered, or until it was given up
	 * @param up whether it answered UP in time
	 * @param outcome UP, the status and the components that were not UP, or why there was no answer
	 */
	record Sample(long startNanos, long tookNanos, boolean up, String outcome) {

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.tookNanos);
		}

	}

}
