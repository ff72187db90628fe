package io.github.rwrouting.testcontainers.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's Docker Compose support with a PostgreSQL primary and a streaming replica service
 * ({@code compose/compose.yaml}), and with a MariaDB primary and replica
 * ({@code compose/compose-mariadb.yaml}): the writer comes from the primary through Boot's own connection details,
 * the reader {@code replica-1} from the replica service through rw-routing's, with no URL property; and
 * Boot runs {@code docker compose down} when the application's JVM exits.
 */
@Tag("docker")
class DockerComposeReadersTests {

	private static final String PROJECT = "rw-routing-compose-readers";

	private static final long TIMEOUT_SECONDS = 180;

	@BeforeEach
	void noLeftoversOfAnEarlierRun() throws Exception {
		run("docker", "compose", "--project-name", PROJECT, "down", "--timeout", "5");
		assertThat(projectContainers()).isEmpty();
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicaServiceAndComposeDownRunsAtExit() throws Exception {
		runApplication("/compose/compose.yaml");
	}

	@Test
	void readOnlyTransactionsRunOnTheMariaDbReplicaServiceAndComposeDownRunsAtExit() throws Exception {
		// The services' --report-host names the node.
		runApplication("/compose/compose-mariadb.yaml", "select @@report_host");
	}

	private void runApplication(String composeResource, String... nodeQuery) throws Exception {
		Path composeFile = Path.of(getClass().getResource(composeResource).toURI());
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
				DockerComposeReadersApplication.class.getName(), composeFile.toString()));
		command.addAll(List.of(nodeQuery));
		Process application = new ProcessBuilder(command)
			.redirectErrorStream(true)
			.start();
		CompletableFuture<String> output = readAll(application.getInputStream());
		boolean exited = application.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!exited) {
			application.destroyForcibly();
		}
		String log = output.get(10, TimeUnit.SECONDS);
		assertThat(exited).as("the application exits within %d s; its output:%n%s", TIMEOUT_SECONDS, log).isTrue();
		assertThat(application.exitValue()).as("exit code; output:%n%s", log).isZero();
		List<String> results = log.lines()
			.filter((line) -> line.startsWith(DockerComposeReadersApplication.RESULT))
			.map((line) -> line.substring(DockerComposeReadersApplication.RESULT.length()))
			.toList();
		assertThat(results).as("output:%n%s", log)
			.containsExactly("readers=[replica-1]", "read-only=replica-1", "read-write=primary",
					"spring.datasource.url=null", "rw-routing.readers.replica-1.url=null");
		assertThat(projectContainers()).as("docker compose down removed the services' containers").isEmpty();
		assertThat(run("docker", "network", "ls", "--quiet", "--filter", "label=com.docker.compose.project=" + PROJECT))
			.as("docker compose down removed the project's network")
			.isEmpty();
	}

	private static String projectContainers() throws Exception {
		return run("docker", "ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project=" + PROJECT);
	}

	private static String run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<String> output = readAll(process.getInputStream());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", String.join(" ", command)).isTrue();
		String text = output.get(10, TimeUnit.SECONDS);
		assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), text).isZero();
		return text.strip();
	}

	private static CompletableFuture<String> readAll(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
