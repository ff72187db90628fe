package io.github.rwrouting.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.rwrouting.consistency.ConsistencyMode;

/**
 * Command-line options of {@link ConsistencyLoadDriver}.
 *
 * @param clients concurrent client threads, each its own consistency scope
 * @param seconds measured seconds per mode
 * @param warmupSeconds unrecorded seconds per mode before measuring
 * @param seed seed of the lag schedule, the same for every mode
 * @param probe whether each read is preceded by the "best possible" check on plain connections
 * @param maxWaitMillis rw-routing.consistency.max-wait in milliseconds, or -1 for the default
 * @param rate write-then-read pairs per second over all clients, or 0 for as fast as they go
 * @param modes the consistency modes to run, in this order
 * @param readDelayMillis the most a client waits between its write and its read (uniformly random
 * from 0 to it, seeded per client), or 0 to read at once
 * @param database the database to run on, {@code postgresql} or {@code mariadb}
 * @param help whether only the usage was asked for
 */
record LoadOptions(int clients, int seconds, int warmupSeconds, long seed, boolean probe, long maxWaitMillis,
		int rate, List<ConsistencyMode> modes, long readDelayMillis, String database, boolean help) {

	static final List<ConsistencyMode> DEFAULT_MODES = List.of(ConsistencyMode.READ_YOUR_WRITES,
			ConsistencyMode.TIME_WINDOW, ConsistencyMode.NONE);

	static final String USAGE = """
			usage: java -cp benchmarks/target/benchmarks.jar io.github.rwrouting.benchmarks.ConsistencyLoadDriver [options]
			  --clients N   concurrent clients, each writes a row then reads it back (default 16, at most 200)
			  --seconds N   measured seconds per mode (default 30)
			  --warmup N    unrecorded warm-up seconds per mode (default 3)
			  --seed N      seed of the replica lag schedule, replayed identically in every mode (default 42)
			  --max-wait N  rw-routing.consistency.max-wait in milliseconds (default: the library's, 0)
			  --rate N      pace the clients to N write-then-read pairs per second in all (default: unpaced,
			                each client starts its next pair as soon as the last one ended)
			  --modes LIST  the modes to run, in this order, comma-separated (default
			                read-your-writes,time-window,none; a mode may appear more than once)
			  --read-delay N  read each row back 0-N ms after its write (uniformly random, seeded; default 0:
			                at once)
			  --database NAME  postgresql (default) or mariadb: the primary and replica started for the run
			  --no-probe    skip the per-read "best possible" check (two extra queries between write and read)
			  --help        print this and exit""";

	static LoadOptions parse(String[] args) {
		int clients = 16;
		int seconds = 30;
		int warmup = 3;
		long seed = 42;
		boolean probe = true;
		long maxWait = -1;
		int rate = 0;
		long readDelay = 0;
		List<ConsistencyMode> modes = DEFAULT_MODES;
		String database = "postgresql";
		for (int i = 0; i < args.length; i++) {
			String name = args[i];
			String value = null;
			int equals = name.indexOf('=');
			if (equals > 0) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			switch (name) {
				case "--help", "-h" -> {
					return new LoadOptions(clients, seconds, warmup, seed, probe, maxWait, rate, modes, readDelay, database, true);
				}
				case "--no-probe" -> probe = false;
				case "--modes" -> {
					if (value == null) {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException(name + " needs a value");
						}
						value = args[++i];
					}
					modes = parseModes(value);
				}
				case "--database" -> {
					if (value == null) {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException(name + " needs a value");
						}
						value = args[++i];
					}
					database = BenchmarkCluster.checkDatabase(value);
				}
				case "--clients", "--seconds", "--warmup", "--seed", "--max-wait", "--rate", "--read-delay" -> {
					if (value == null) {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException(name + " needs a value");
						}
						value = args[++i];
					}
					long number = parseNumber(name, value);
					switch (name) {
						case "--clients" -> clients = (int) within(name, number, 1, 200);
						case "--seconds" -> seconds = (int) within(name, number, 1, 3600);
						case "--warmup" -> warmup = (int) within(name, number, 0, 600);
						case "--max-wait" -> maxWait = within(name, number, 0, 10_000);
						case "--rate" -> rate = (int) within(name, number, 1, 100_000);
						case "--read-delay" -> readDelay = within(name, number, 0, 10_000);
						default -> seed = number;
					}
				}
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		return new LoadOptions(clients, seconds, warmup, seed, probe, maxWait, rate, modes, readDelay, database, false);
	}

	private static List<ConsistencyMode> parseModes(String value) {
		List<ConsistencyMode> modes = new ArrayList<>();
		for (String name : value.split(",")) {
			String constant = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
			try {
				modes.add(ConsistencyMode.valueOf(constant));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("--modes: unknown mode '" + name.trim()
						+ "' (read-your-writes, time-window or none)");
			}
		}
		return List.copyOf(modes);
	}

	private static long parseNumber(String name, String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " needs a whole number, not '" + value + "'");
		}
	}

	private static long within(String name, long value, long min, long max) {
		if (value < min || value > max) {
			throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
		}
		return value;
	}

}
