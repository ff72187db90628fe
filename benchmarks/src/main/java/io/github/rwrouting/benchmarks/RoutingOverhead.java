package io.github.rwrouting.benchmarks;

import java.util.Collection;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ReadOnlyTransactionBenchmark} for both paths in one run and prints the ratio
 * routed / direct (the goal is at least 0.97). JMH command-line options (-wi, -i, -r, -f, -t) apply.
 */
public final class RoutingOverhead {

	private RoutingOverhead() {
	}

	public static void main(String[] args) throws RunnerException, Exception {
		Options options = new OptionsBuilder().parent(new CommandLineOptions(args))
			.include(ReadOnlyTransactionBenchmark.class.getSimpleName())
			.build();
		Collection<RunResult> results = new Runner(options).run();
		double direct = score(results, "direct");
		double routed = score(results, "routed");
		System.out.printf("%nread-only SELECT 1 transaction, ops/s: direct %.1f, routed %.1f, ratio routed/direct %.3f%n",
				direct, routed, routed / direct);
	}

	private static double score(Collection<RunResult> results, String path) {
		return results.stream()
			.filter((result) -> path.equals(result.getParams().getParam("path")))
			.mapToDouble((result) -> result.getPrimaryResult().getScore())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No result for path " + path));
	}

}
