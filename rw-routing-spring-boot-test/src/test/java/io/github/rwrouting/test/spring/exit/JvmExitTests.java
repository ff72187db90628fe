package io.github.rwrouting.test.spring.exit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At JVM exit, a context the TestContext framework cached closes before its cluster stops: the
 * cluster is the context's bean, stopped when the context closes, not by rw-routing-test's own
 * shutdown hook, which runs at the same time as the context's and would stop the servers under its
 * pools, its replica monitor and any database work done at close. Reproduced in a JVM of its own,
 * whose whole output is read.
 */
class JvmExitTests {

	@Test
	void aCachedContextClosesBeforeItsClusterStopsAndTheExitIsQuiet(@TempDir Path directory)
			throws IOException, InterruptedException {
		Path output = directory.resolve("exit-probe.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				ExitProbe.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the probe JVM exits").isTrue();
		assertThat(process.exitValue()).isZero();
		List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
		// In this test's report, for whoever reads a failure.
		lines.forEach(System.out::println);
		int done = indexOf(lines, ExitProbe.DONE, 0);
		assertThat(done).as("the probe ran").isNotNegative();
		assertThat(lines.get(done)).contains("succeeded=1 failed=0");
		List<String> atExit = lines.subList(done + 1, lines.size());
		assertThat(atExit).as("what the shutdown hooks logged")
			.noneMatch((line) -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception"));
		assertThat(atExit).as("database work while the context closes").contains(CachedContextProbe.WORK_AT_CLOSE + " ok");
		int poolsClosed = indexOf(atExit, "writer - Shutdown completed", 0);
		assertThat(poolsClosed).as("the context closed its pools at exit").isNotNegative();
		assertThat(indexOf(atExit, "Closed PostgreSQL cluster", poolsClosed))
			.as("the cluster stopped with the context, after its pools")
			.isGreaterThan(poolsClosed);
	}

	private static int indexOf(List<String> lines, String text, int from) {
		for (int i = from; i < lines.size(); i++) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		return -1;
	}

}
