package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.autoconfigure.RwRoutingProperties;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a failing replica does to the application, fault by fault: a primary with two streaming
 * replicas and the routed application at its defaults (only the URLs are set), under a steady load
 * of read-only transactions (half of them carrying the consistency token of the newest
 * acknowledged write) and writes. {@code replica1} is then frozen (SIGSTOP), killed and restarted,
 * has its reader pool saturated, the writer pool is filled with blocked writes, and last
 * {@code replica1} is promoted while the writer stays on the old primary.
 * <p>
 * Per fault, one row: reads attempted and failed, read latency during the fault, how long until
 * reads were no longer hurt by the replica and how long until they were back on it after recovery,
 * reads served by a wrong node (a promoted replica), and writes acknowledged and lost.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.rwrouting.benchmarks.ReplicaFaultDrill [--help]};
 * about a minute and a half with the defaults. {@code --database mariadb} runs it on a MariaDB primary and two
 * GTID replicas.
 */
public final class ReplicaFaultDrill {

	static final String USAGE = """
			usage: java -cp benchmarks/target/benchmarks.jar io.github.rwrouting.benchmarks.ReplicaFaultDrill [options]
			  --seconds N   how long each fault lasts (default 5, at most 60)
			  --readers N   reader threads (default 6); every other one carries the newest write's token
			  --writers N   writer threads (default 2)
			  --faults LIST comma-separated, run in this order (default freeze,kill,saturate,writer-full,promote);
			                promote breaks the cluster, so it always runs last
			  --database NAME  postgresql (default) or mariadb
			  --help        print this and exit""";

	private static final List<String> ALL_FAULTS = List.of("freeze", "kill", "saturate", "writer-full", "promote");

	private static final int BAD_REPLICA = 1;

	private static final String BAD = "replica" + BAD_REPLICA;

	// A read this slow counts as hurt by the fault (a plain read takes milliseconds).
	private static final long HURT_MILLIS = 1000;

	private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final Duration WARM_UP = Duration.ofSeconds(3);

	// Deadline for a recovered replica to serve reads again, and for anything else to happen.
	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private final Options options;

	private final Queue<Read> reads = new ConcurrentLinkedQueue<>();

	private final Queue<long[]> acknowledged = new ConcurrentLinkedQueue<>();

	private final Queue<Long> writeFailures = new ConcurrentLinkedQueue<>();

	private final AtomicReference<Written> newestWrite = new AtomicReference<>();

	private volatile boolean running = true;

	private BenchmarkCluster cluster;

	private ReplicaFaultDrill(Options options) {
		this.options = options;
	}

	public static void main(String[] args) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println(USAGE);
			System.exit(2);
			return;
		}
		if (options.help()) {
			System.out.println(USAGE);
			return;
		}
		int status = 0;
		try {
			new ReplicaFaultDrill(options).run();
		}
		catch (Throwable ex) {
			System.out.flush();
			System.err.println("The drill failed:");
			ex.printStackTrace();
			status = 1;
		}
		System.exit(status);
	}

	private void run() throws Exception {
		try (BenchmarkCluster cluster = BenchmarkCluster.start(this.options.database(), 2, false, 100)) {
			BenchmarkNode primary = cluster.primaryNode();
			BenchmarkNode bad = cluster.replicaNode(BAD_REPLICA);
			try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
				statement.execute("create table drill_writes (" + cluster.idColumn() + ", note text not null)");
				statement.execute("create table drill_blocker (" + cluster.idColumn() + ")");
			}
			cluster.awaitReplicaCaughtUp(DEADLINE);
			printSettings(cluster);
			List<Row> rows = new ArrayList<>();
			try (ConfigurableApplicationContext context = startApplication(cluster)) {
				List<Thread> threads = startLoad(context);
				try {
					Drills.awaitNanos(WARM_UP.toNanos());
					this.cluster = cluster;
					for (String fault : this.options.faults()) {
						awaitServing(bad);
						rows.add(switch (fault) {
							case "freeze" -> outage("replica frozen " + seconds(), bad, BenchmarkNode::freeze,
									BenchmarkNode::thaw, primary);
							case "kill" -> outage("replica killed, restarted " + seconds(), bad, BenchmarkNode::kill,
									BenchmarkNode::start, primary);
							case "saturate" -> saturate(context, bad, primary);
							case "writer-full" -> writerFull(context, primary);
							default -> promote(bad, primary);
						});
						System.out.println("  done: " + rows.get(rows.size() - 1).fault);
					}
				}
				finally {
					this.running = false;
					if (bad.isFrozen()) {
						bad.thaw();
					}
					for (Thread thread : threads) {
						thread.join(DEADLINE.toMillis());
					}
				}
			}
			printRows(rows);
		}
	}

	private String seconds() {
		return this.options.seconds() + " s";
	}

	private interface NodeAction {

		void apply(BenchmarkNode node) throws Exception;

	}

	private Row outage(String name, BenchmarkNode bad, NodeAction fail, NodeAction recover, BenchmarkNode primary)
			throws Exception {
		long faultAt = System.nanoTime();
		fail.apply(bad);
		try {
			Drills.awaitNanos(TimeUnit.SECONDS.toNanos(this.options.seconds()));
		}
		finally {
			recover.apply(bad);
		}
		long recoveredAt = System.nanoTime();
		Row row = row(name, bad, primary, faultAt, recoveredAt, awaitBack(bad, recoveredAt));
		caughtUp(row, recoveredAt);
		return row;
	}

	private Row saturate(ConfigurableApplicationContext context, BenchmarkNode bad, BenchmarkNode primary)
			throws Exception {
		HikariDataSource pool = context.getBean("reader-" + BAD + "DataSource", HikariDataSource.class);
		long faultAt = System.nanoTime();
		List<Connection> held = new ArrayList<>();
		long deadline = faultAt + DEADLINE.toNanos();
		while (held.size() < pool.getMaximumPoolSize()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Could not borrow all connections of " + pool.getPoolName());
			}
			try {
				held.add(pool.getConnection());
			}
			catch (SQLException ex) {
				// the load had them all for the borrow timeout: again
			}
		}
		try {
			Drills.awaitNanos(TimeUnit.SECONDS.toNanos(this.options.seconds()));
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
		long recoveredAt = System.nanoTime();
		Row row = row("reader pool saturated " + seconds(), bad, primary, faultAt, recoveredAt,
				awaitBack(bad, recoveredAt));
		caughtUp(row, recoveredAt);
		return row;
	}

	private Row writerFull(ConfigurableApplicationContext context, BenchmarkNode primary) throws Exception {
		HikariDataSource writerPool = context.getBean("writerDataSource", HikariDataSource.class);
		Writes writes = context.getBean(Writes.class);
		int fillers = writerPool.getMaximumPoolSize();
		ExecutorService blocked = Executors.newFixedThreadPool(fillers);
		long faultAt = System.nanoTime();
		long releasedAt;
		try {
			AutoCloseable lock = this.cluster.lockTable("drill_blocker");
			List<Future<?>> blockedWrites = new ArrayList<>();
			try {
				for (int i = 0; i < fillers; i++) {
					blockedWrites.add(blocked.submit(writes::insertBlocked));
				}
				long deadline = System.nanoTime() + DEADLINE.toNanos();
				while (this.cluster.waitingForTableLock("drill_blocker") < fillers) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("The writer pool did not fill up");
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				}
				Drills.awaitNanos(TimeUnit.SECONDS.toNanos(this.options.seconds()));
			}
			finally {
				lock.close();
				releasedAt = System.nanoTime();
			}
			for (Future<?> write : blockedWrites) {
				write.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
			}
		}
		finally {
			blocked.shutdownNow();
		}
		return row("writer pool full " + seconds(), null, primary, faultAt, releasedAt, -1);
	}

	private Row promote(BenchmarkNode bad, BenchmarkNode primary) throws Exception {
		long faultAt = System.nanoTime();
		bad.promote();
		Drills.awaitNanos(TimeUnit.SECONDS.toNanos(this.options.seconds()));
		return row("replica promoted, watched " + seconds(), bad, primary, faultAt, System.nanoTime(), -1);
	}

	private Row row(String name, BenchmarkNode bad, BenchmarkNode primary, long faultAt, long recoveredAt,
			long backNanos) throws SQLException {
		Row row = new Row();
		row.fault = name;
		List<Read> during = this.reads.stream().filter((read) -> read.end >= faultAt && read.start <= recoveredAt).toList();
		row.reads = during.size();
		row.failed = during.stream().filter((read) -> read.failure != null).count();
		row.failures = during.stream()
			.filter((read) -> read.failure != null)
			.map((read) -> describe(read.failure) + " after " + read.millis() + " ms")
			.distinct()
			.limit(3)
			.toList();
		row.stale = during.stream().filter((read) -> read.failure == null && !read.sawItsWrite).count();
		row.wrongNode = during.stream()
			.filter((read) -> read.failure == null && !read.inRecovery && read.port != primary.port())
			.count();
		long[] millis = during.stream().mapToLong(Read::millis).sorted().toArray();
		row.p50 = percentile(millis, 50);
		row.p99 = percentile(millis, 99);
		row.max = (millis.length == 0) ? -1 : millis[millis.length - 1];
		if (bad != null) {
			// Until the last read hurt by the fault had ended: one that failed, was slow, or was served by
			// the bad node while it was not a standby. A read stuck on the bad node until its recovery
			// means the reads never left it.
			long lastHurt = during.stream()
				.filter((read) -> read.failure != null || read.millis() >= HURT_MILLIS
						|| (read.port == bad.port() && !read.inRecovery))
				.mapToLong((read) -> read.end)
				.max()
				.orElse(faultAt);
			boolean never = recoveredAt - lastHurt < TimeUnit.SECONDS.toNanos(1);
			row.left = never ? "never" : Long.toString(TimeUnit.NANOSECONDS.toMillis(Math.max(0, lastHurt - faultAt)));
		}
		else {
			row.left = "-";
		}
		row.back = (backNanos < 0) ? "-" : Long.toString(TimeUnit.NANOSECONDS.toMillis(backNanos));
		Set<Long> acked = new HashSet<>();
		for (long[] ack : this.acknowledged) {
			if (ack[1] >= faultAt && ack[1] <= recoveredAt) {
				acked.add(ack[0]);
			}
		}
		row.writesAcknowledged = acked.size();
		row.writesFailed = this.writeFailures.stream().filter((at) -> at >= faultAt && at <= recoveredAt).count();
		try (Connection connection = primary.connect();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select id from drill_writes")) {
			while (rs.next()) {
				acked.remove(rs.getLong(1));
			}
		}
		row.lost = acked.size();
		return row;
	}

	/**
	 * How long the recovered replica took to replay what was written meanwhile (until then it lags
	 * and must not serve reads), and how long after that reads were back on it.
	 */
	private void caughtUp(Row row, long recoveredAt) {
		this.cluster.awaitReplicaCaughtUp(DEADLINE);
		long caughtUpAt = System.nanoTime();
		row.caughtUp = Long.toString(TimeUnit.NANOSECONDS.toMillis(caughtUpAt - recoveredAt));
		row.backAfterCaughtUp = Long.toString(TimeUnit.NANOSECONDS.toMillis(awaitBack(this.bad(), caughtUpAt)));
	}

	private BenchmarkNode bad() {
		return this.cluster.replicaNode(BAD_REPLICA);
	}

	/**
	 * Time from recovery to the first read the recovered replica served, waiting at most the deadline.
	 */
	private long awaitBack(BenchmarkNode node, long recoveredAt) {
		long deadline = recoveredAt + DEADLINE.toNanos();
		while (System.nanoTime() < deadline) {
			long first = this.reads.stream()
				.filter((read) -> read.failure == null && read.port == node.port() && read.start >= recoveredAt)
				.mapToLong((read) -> read.start)
				.min()
				.orElse(-1);
			if (first >= 0) {
				return first - recoveredAt;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		return DEADLINE.toNanos();
	}

	/**
	 * Before each fault: the bad replica serves reads (again).
	 */
	private void awaitServing(BenchmarkNode node) {
		long since = System.nanoTime();
		if (awaitBack(node, since) >= DEADLINE.toNanos()) {
			throw new IllegalStateException(node.name() + " serves no reads before the fault");
		}
	}

	private List<Thread> startLoad(ConfigurableApplicationContext context) {
		Reads readService = context.getBean(Reads.class);
		Writes writes = context.getBean(Writes.class);
		ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < this.options.writers(); i++) {
			threads.add(new Thread(() -> writeLoop(writes, consistency), "drill-writer-" + i));
		}
		for (int i = 0; i < this.options.readers(); i++) {
			boolean withToken = (i % 2) == 1;
			threads.add(new Thread(() -> readLoop(readService, consistency, withToken), "drill-reader-" + i));
		}
		threads.forEach((thread) -> {
			thread.setDaemon(true);
			thread.start();
		});
		return threads;
	}

	private void writeLoop(Writes writes, ConsistencyContext consistency) {
		long next = System.nanoTime();
		while (this.running) {
			next = pace(next);
			try {
				ConsistencyContext.Scoped<Long> written = consistency.call(null, writes::insert);
				this.acknowledged.add(new long[] { written.result(), System.nanoTime() });
				if (written.token() != null) {
					this.newestWrite.set(new Written(written.result(), written.token()));
				}
			}
			catch (Throwable ex) {
				this.writeFailures.add(System.nanoTime());
			}
		}
	}

	private void readLoop(Reads readService, ConsistencyContext consistency, boolean withToken) {
		long next = System.nanoTime();
		while (this.running) {
			next = pace(next);
			Written write = withToken ? this.newestWrite.get() : null;
			long start = System.nanoTime();
			try {
				Served served = consistency
					.call((write != null) ? write.token() : null, () -> readService.read((write != null) ? write.id() : -1))
					.result();
				this.reads.add(new Read(start, System.nanoTime(), served.port(), served.inRecovery(),
						write == null || served.found(), null));
			}
			catch (Throwable ex) {
				this.reads.add(new Read(start, System.nanoTime(), -1, false, false, ex));
			}
		}
	}

	private static long pace(long next) {
		LockSupport.parkNanos(next - System.nanoTime());
		return Math.max(next + PACE_NANOS, System.nanoTime());
	}

	private static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String state = (root instanceof SQLException sql) ? " [SQLState " + sql.getSQLState() + "]" : "";
		String message = String.valueOf(failure.getMessage());
		return failure.getClass().getSimpleName() + ": "
				+ ((message.length() > 160) ? message.substring(0, 160) + "..." : message) + " (cause "
				+ root.getClass().getSimpleName() + state + ")";
	}

	private static long percentile(long[] sorted, double percent) {
		if (sorted.length == 0) {
			return -1;
		}
		int rank = (int) Math.ceil(percent / 100 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	private ConfigurableApplicationContext startApplication(BenchmarkCluster cluster) {
		List<String> properties = new ArrayList<>();
		properties.add("spring.datasource.url=" + cluster.writerUrl());
		properties.add("spring.datasource.username=" + cluster.username());
		properties.add("spring.datasource.password=" + cluster.password());
		for (int replica = 1; replica <= 2; replica++) {
			properties.add("rw-routing.readers." + cluster.replicaNode(replica).name() + ".url="
					+ cluster.readerUrl(replica, 0));
		}
		properties.add("drill.read-query=select " + cluster.serverPortExpression() + ", "
				+ cluster.isReplicaExpression() + ", exists (select 1 from drill_writes where id = ?)");
		properties.add("drill.insert-blocked=" + cluster.insertDefaults("drill_blocker"));
		properties.add("logging.level.root=ERROR");
		return Drills.start(DrillApplication.class, properties.toArray(new String[0]));
	}

	private void printSettings(BenchmarkCluster cluster) throws SQLException {
		RwRoutingProperties defaults = new RwRoutingProperties();
		HikariDataSource hikariDefaults = new HikariDataSource();
		System.out.println(cluster.describe());
		System.out.printf("Replica fault drill: primary + replica1 + replica2 (127.0.0.1), faults on %s; "
				+ "%d reader threads (every other one carries the newest write's token), %d writer threads, each an "
				+ "operation every %d ms; %d CPUs%n", BAD, this.options.readers(), this.options.writers(),
				TimeUnit.NANOSECONDS.toMillis(PACE_NANOS), Runtime.getRuntime().availableProcessors());
		System.out.printf("Application at the defaults: monitor.interval=%d ms, monitor.timeout=%d ms, max-lag=%d ms, "
				+ "consistency.mode=%s; Hikari connection-timeout=%d ms, maximum-pool-size=%d (writer and readers)%n",
				defaults.getMonitor().getInterval().toMillis(), defaults.getMonitor().getTimeout().toMillis(),
				defaults.getMaxLag().toMillis(), defaults.getConsistency().getMode().name().toLowerCase(Locale.ROOT),
				hikariDefaults.getConnectionTimeout(), hikariDefaults.getMaximumPoolSize());
		System.out.printf("Faults, in order: %s; each lasts %d s%n%n", String.join(", ", this.options.faults()),
				this.options.seconds());
		hikariDefaults.close();
	}

	private static void printRows(List<Row> rows) {
		String header = "%-36s %7s %7s %7s %7s %7s %8s %8s %9s %8s %6s %6s %6s %6s %5s%n";
		System.out.printf("%n" + header, "fault", "reads", "failed", "p50 ms", "p99 ms", "max ms", "left ms", "back ms",
				"caught-up", "then ms",
				"wrong", "stale", "w ack", "w fail", "lost");
		for (Row row : rows) {
			System.out.printf(Locale.ROOT, "%-36s %7d %7d %7d %7d %7d %8s %8s %9s %8s %6d %6d %6d %6d %5d%n",
					row.fault, row.reads, row.failed, row.p50, row.p99, row.max, row.left, row.back, row.caughtUp,
					row.backAfterCaughtUp, row.wrongNode, row.stale,
					row.writesAcknowledged, row.writesFailed, row.lost);
		}
		for (Row row : rows) {
			for (String failure : row.failures) {
				System.out.println("  failed read in '" + row.fault + "': " + failure);
			}
		}
		System.out.println();
		System.out.println("  reads, failed  read-only transactions running at any time during the fault, and those that failed");
		System.out.println("  p50/p99/max    their latency");
		System.out.println("  left ms        fault start to the end of the last read hurt by it (failed, >= " + HURT_MILLIS
				+ " ms, or served by the promoted node);");
		System.out.println("                 never = reads were still hurt in the fault's last second (or stuck until its end)");
		System.out.println("  back ms        recovery to the first read the recovered replica served");
		System.out.println("  caught-up      recovery to the drill seeing the replica replay the primary's position (polled on new");
		System.out.println("                 connections: an upper bound of PostgreSQL's part, which can end after reads are back)");
		System.out.println("  then ms        caught-up to the first read the replica served after that (the library's part)");
		System.out.println("  wrong          reads served by a node that is neither the writer nor a standby (promoted)");
		System.out.println("  stale          reads carrying a token that did not see their write");
		System.out.println("  w ack, w fail  writes acknowledged and failed during the fault; lost = acknowledged, "
				+ "missing on the primary");
		System.out.println();
		System.out.println("  goals (issue \"a replica can never hurt the application\", at the defaults): 0 failed reads in "
				+ "every fault; max read latency during a freeze or kill <= 2000 ms; reads back on a recovered replica "
				+ "within 2 monitor intervals (2000 ms); 0 wrong-node reads; 0 lost writes");
	}

	static final class Row {

		String fault;

		long reads;

		long failed;

		List<String> failures = List.of();

		long stale;

		long wrongNode;

		long p50;

		long p99;

		long max;

		String left;

		String back;

		String caughtUp = "-";

		String backAfterCaughtUp = "-";

		long writesAcknowledged;

		long writesFailed;

		long lost;

	}

	private record Read(long start, long end, int port, boolean inRecovery, boolean sawItsWrite, Throwable failure) {

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.end - this.start);
		}

	}

	private record Written(long id, ConsistencyToken token) {

	}

	record Served(int port, boolean inRecovery, boolean found) {

	}

	/**
	 * Command-line options.
	 */
	record Options(int seconds, int readers, int writers, List<String> faults, String database, boolean help) {

		static Options parse(String[] args) {
			int seconds = 5;
			int readers = 6;
			int writers = 2;
			List<String> faults = ALL_FAULTS;
			String database = "postgresql";
			for (int i = 0; i < args.length; i++) {
				String name = args[i];
				String value = null;
				int equals = name.indexOf('=');
				if (equals > 0) {
					value = name.substring(equals + 1);
					name = name.substring(0, equals);
				}
				if (name.equals("--help") || name.equals("-h")) {
					return new Options(seconds, readers, writers, faults, database, true);
				}
				if (value == null) {
					if (i + 1 >= args.length) {
						throw new IllegalArgumentException(name + " needs a value");
					}
					value = args[++i];
				}
				switch (name) {
					case "--seconds" -> seconds = number(name, value, 1, 60);
					case "--readers" -> readers = number(name, value, 1, 64);
					case "--writers" -> writers = number(name, value, 1, 16);
					case "--faults" -> faults = faults(value);
					case "--database" -> database = BenchmarkCluster.checkDatabase(value);
					default -> throw new IllegalArgumentException("unknown option " + args[i]);
				}
			}
			return new Options(seconds, readers, writers, faults, database, false);
		}

		private static List<String> faults(String value) {
			Set<String> chosen = new LinkedHashSet<>();
			for (String fault : value.split(",")) {
				String name = fault.trim().toLowerCase(Locale.ROOT);
				if (!ALL_FAULTS.contains(name)) {
					throw new IllegalArgumentException("--faults: unknown fault '" + name + "' (" + String.join(", ",
							ALL_FAULTS) + ")");
				}
				chosen.add(name);
			}
			if (chosen.remove("promote")) {
				chosen.add("promote"); // it breaks the cluster: last
			}
			return List.copyOf(chosen);
		}

		private static int number(String name, String value, int min, int max) {
			int number;
			try {
				number = Integer.parseInt(value);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(name + " needs a whole number, not '" + value + "'");
			}
			if (number < min || number > max) {
				throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
			}
			return number;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableTransactionManagement
	static class DrillApplication {

		@Bean
		Reads reads(JdbcTemplate jdbc, @Value("${drill.read-query}") String query) {
			return new Reads(jdbc, query);
		}

		@Bean
		Writes writes(JdbcTemplate jdbc, @Value("${drill.insert-blocked}") String insertBlocked) {
			return new Writes(jdbc, insertBlocked);
		}

	}

	static class Reads {

		private final JdbcTemplate jdbc;

		// the server's port, whether it is a replica, whether the row is there
		private final String query;

		Reads(JdbcTemplate jdbc, String query) {
			this.jdbc = jdbc;
			this.query = query;
		}

		@Transactional(readOnly = true)
		public Served read(long writtenId) {
			return this.jdbc.queryForObject(this.query,
					(rs, row) -> new Served(rs.getInt(1), rs.getBoolean(2), rs.getBoolean(3)), writtenId);
		}

	}

	static class Writes {

		private final JdbcTemplate jdbc;

		private final String insertBlocked;

		Writes(JdbcTemplate jdbc, String insertBlocked) {
			this.jdbc = jdbc;
			this.insertBlocked = insertBlocked;
		}

		@Transactional
		public long insert() {
			return this.jdbc.queryForObject("insert into drill_writes (note) values ('drill') returning id", Long.class);
		}

		@Transactional
		public void insertBlocked() {
			this.jdbc.update(this.insertBlocked);
		}

	}

}
