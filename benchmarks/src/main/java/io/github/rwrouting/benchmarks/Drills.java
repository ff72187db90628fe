package io.github.rwrouting.benchmarks;

import java.util.concurrent.locks.LockSupport;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the fault and failover drills share: starting the routed application they drive, and
 * letting a phase of the drill last while its load runs.
 */
final class Drills {

	private Drills() {
	}

	/**
	 * Start a drill's application: no web server, no banner, no startup log, closed by the drill
	 * (not by a shutdown hook, which would race the cluster's own).
	 * @param application the application's configuration class
	 * @param properties its properties, {@code name=value}
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
	}

	/**
	 * The drill's own pacing between phases: the load runs meanwhile, nothing waits on it.
	 * @param nanos how long the phase lasts
	 */
	static void awaitNanos(long nanos) {
		long end = System.nanoTime() + nanos;
		long remaining;
		while ((remaining = end - System.nanoTime()) > 0) {
			LockSupport.parkNanos(remaining);
		}
	}

}
