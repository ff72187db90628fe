package io.github.rwrouting.test.spring.exit;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs {@link CachedContextProbe} with the JUnit Platform, as a build does, then lets the JVM exit
 * normally with the test's context still cached: what follows {@link #DONE} on the output is what
 * the shutdown hooks did.
 */
public final class ExitProbe {

	static final String DONE = "EXIT-PROBE-TESTS-DONE";

	private ExitProbe() {
	}

	public static void main(String[] args) {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(CachedContextProbe.class))
			.build();
		Launcher launcher = LauncherFactory.create();
		SummaryGeneratingListener summary = new SummaryGeneratingListener();
		launcher.execute(request, summary);
		System.out.println(DONE + " succeeded=" + summary.getSummary().getTestsSucceededCount() + " failed="
				+ summary.getSummary().getTotalFailureCount());
		System.out.flush();
	}

}
