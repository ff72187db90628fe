package io.github.rwrouting.autoconfigure.dropin;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.rwrouting.autoconfigure.ClusterProperties;
import io.github.rwrouting.autoconfigure.dropin.excluding.ExcludingDataSourceApplication;
import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.ReplicatedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real application started with {@code SpringApplication} on a class path without Micrometer and
 * Actuator, as an application with only spring-boot-starter-jdbc and the starter has. A
 * {@code FilteredClassLoader} cannot show this: it hides classes from conditions, but a class that
 * names a Micrometer type still links against the real one. Here the jars are really absent: the
 * test class path, minus Micrometer, Actuator and health, in a class loader of its own.
 */
@ReplicatedPostgres(replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class NoMicrometerApplicationTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void cluster(PostgresCluster postgres) {
		cluster = postgres;
	}

	@Test
	void startsAndRoutesWithoutMicrometerOrActuator() throws Exception {
		Map<String, String> facts = runWithoutMicrometer(ClusterProperties.of(cluster));
		assertThat(facts).containsEntry("micrometer", "false").containsEntry("actuator", "false");
		assertThat(facts).containsEntry("dataSource", "io.github.rwrouting.routing.RoutingDataSource");
		assertThat(facts).containsEntry("readOnlyNode", "replica");
		assertThat(facts.get("rwRoutingBeans")).contains("rwRoutingFailoverRetryAdvisor")
			.doesNotContain("rwRoutingMetrics")
			.doesNotContain("rwRoutingFailoverMetrics")
			.doesNotContain("rwRoutingHealthIndicator");
	}

	@Test
	void withoutReadersTheApplicationKeepsSpringBootsPoolAndSaysNothing(CapturedOutput output) throws Exception {
		List<String> properties = new ArrayList<>();
		for (String property : ClusterProperties.of(cluster)) {
			if (!property.startsWith("rw-routing.readers.")) {
				properties.add(property);
			}
		}
		Map<String, String> facts = runWithoutMicrometer(properties.toArray(new String[0]));
		assertThat(facts).containsEntry("dataSource", "com.zaxxer.hikari.HikariDataSource");
		assertThat(facts).containsEntry("readOnlyNode", "primary");
		assertThat(facts).containsEntry("rwRoutingBeans", "");
		// No rw-routing log line (its warnings name properties, its monitor logs as "rw-routing ...").
		assertThat(output).doesNotContain("rw-routing.").doesNotContain("rw-routing ").doesNotContain("RwRouting");
	}

	@Test
	void excludingDataSourceAutoConfigurationKeepsTheApplicationsOwnPoolAndSaysNothing(CapturedOutput output)
			throws Exception {
		Map<String, String> facts = runWithoutMicrometer(ExcludingDataSourceApplication.class,
				ClusterProperties.of(cluster));
		assertThat(facts).containsEntry("dataSource", "com.zaxxer.hikari.HikariDataSource");
		assertThat(facts).containsEntry("readOnlyNode", "primary");
		assertThat(facts).containsEntry("rwRoutingBeans", "");
		assertThat(output).doesNotContain("rw-routing.").doesNotContain("rw-routing ").doesNotContain("RwRouting");
	}

	private static Map<String, String> runWithoutMicrometer(String[] properties) throws Exception {
		return runWithoutMicrometer(MinimalApplication.class, properties);
	}

	private static Map<String, String> runWithoutMicrometer(Class<?> application, String[] properties)
			throws Exception {
		List<String> args = new ArrayList<>();
		for (String property : properties) {
			args.add("--" + property);
		}
		args.addAll(List.of("--spring.main.web-application-type=none", "--spring.liquibase.enabled=false",
				"--spring.flyway.enabled=false", "--spring.main.banner-mode=off"));
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		try (URLClassLoader loader = new URLClassLoader(classPathWithoutMicrometer(),
				ClassLoader.getPlatformClassLoader())) {
			thread.setContextClassLoader(loader);
			Method run = loader.loadClass(MinimalApplication.class.getName())
				.getMethod("run", Class.class, String[].class);
			@SuppressWarnings("unchecked")
			Map<String, String> facts = (Map<String, String>) run.invoke(null,
					loader.loadClass(application.getName()), (Object) args.toArray(new String[0]));
			return facts;
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	private static URL[] classPathWithoutMicrometer() throws MalformedURLException {
		List<URL> urls = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			File file = new File(entry);
			if (!isMicrometerOrActuator(file.getName())) {
				urls.add(file.toURI().toURL());
			}
		}
		return urls.toArray(new URL[0]);
	}

	private static boolean isMicrometerOrActuator(String jar) {
		// The observability proxies of the test class path are not part of a plain application either.
		// Spring Framework itself needs micrometer-observation (and its micrometer-commons).
		return (jar.startsWith("micrometer-") && !jar.startsWith("micrometer-observation")
				&& !jar.startsWith("micrometer-commons")) || jar.startsWith("spring-boot-micrometer")
				|| jar.contains("actuator") || jar.startsWith("spring-boot-health")
				|| jar.startsWith("prometheus-metrics") || jar.startsWith("HdrHistogram")
				|| jar.startsWith("LatencyUtils") || jar.startsWith("datasource-micrometer")
				|| jar.startsWith("datasource-proxy") || jar.startsWith("p6spy");
	}

}
