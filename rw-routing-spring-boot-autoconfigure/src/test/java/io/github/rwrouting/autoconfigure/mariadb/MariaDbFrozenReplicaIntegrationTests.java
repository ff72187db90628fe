package io.github.rwrouting.autoconfigure.mariadb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A frozen (SIGSTOP) MariaDB replica costs a read a bounded delay, at the defaults and without a
 * {@code socketTimeout} on the reader URL, with both drivers: reads busy in a statement on it when
 * it freezes, and a read that borrows a pooled connection to it, idle since before the freeze, which
 * the pool checks first. One replica, so that every read goes to it until it is excluded.
 */
@ReplicatedMariaDb(replicas = 1)
class MariaDbFrozenReplicaIntegrationTests {

	// The monitor's detection (interval + timeout, 2 s) with room for a loaded 2-core machine; far
	// below the freeze, which lasts until the reads have moved on.
	private static final Duration LONGEST_READ = Duration.ofMillis(3500);

	// Hikari checks a pooled connection before handing it out once it has been idle longer than
	// this (HikariPool's aliveBypassWindowMs, the default of com.zaxxer.hikari.aliveBypassWindowMs,
	// which the test keeps: it measures the defaults). Being idle that long is the precondition of
	// the case itself, so the test lets this much time pass: no event marks it.
	private static final Duration HIKARI_ALIVE_BYPASS_WINDOW = Duration.ofMillis(500);

	// Past the window with room for Hikari's millisecond clock.
	private static final Duration IDLE_PAST_ALIVE_BYPASS_WINDOW = HIKARI_ALIVE_BYPASS_WINDOW.plusMillis(200);

	private static final int BUSY_READERS = 3;

	private static MariaDbCluster cluster;

	@BeforeAll
	static void cluster(MariaDbCluster mariadb) {
		cluster = mariadb;
	}

	private static ApplicationContextRunner runner(MariaDbDriver driver) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(driver.properties(cluster, "rw-routing.max-lag=1h"));
	}

	@ParameterizedTest
	@EnumSource(names = { "MARIADB", "MYSQL" })
	void readsBusyOnAReplicaWhenItFreezesEndWithinTheBound(MariaDbDriver driver) {
		MariaDbNode replica = cluster.replica(1);
		runner(driver).run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, replica);
			Reads reads = new Reads(context);
			// Each read spends about 200 ms in its statement on the replica: some are in one when it
			// freezes.
			String busyRead = "select @@port + sleep(0.2)";
			for (int i = 0; i < BUSY_READERS; i++) {
				reads.loop(busyRead);
			}
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> reads.on(replica.port()) >= BUSY_READERS);
				long frozenAt = System.nanoTime();
				replica.freeze();
				try {
					await().atMost(Duration.ofSeconds(10)).until(() -> monitor.status(replica.name()).excluded());
					// Reads still blocked this long after the freeze fail the bound on the longest read below.
					await().atMost(Duration.ofSeconds(10)).until(() -> reads.noneBegunBefore(frozenAt));
				}
				catch (ConditionTimeoutException ex) {
					System.out.println("Reads still blocked on the frozen replica: " + ex.getMessage());
				}
				finally {
					replica.thaw();
					reads.stop();
				}
				Read longest = reads.longest();
				System.out.printf("%s, replica frozen under %d busy reads: %d reads, %d failed, %d in a statement "
						+ "when it froze, longest %d ms%n", driver, BUSY_READERS, reads.done.size(),
						reads.failures.size(), reads.spanning(frozenAt), longest.millis());
				reads.failures.forEach((ex) -> ex.printStackTrace(System.out));
				assertThat(reads.failures).as("failed reads").isEmpty();
				assertThat(reads.spanning(frozenAt)).as("reads begun before the freeze and ended after it")
					.isPositive();
				assertThat(longest.millis()).as("longest read, ms").isLessThan(LONGEST_READ.toMillis());
			}
			finally {
				reads.stop();
			}
		});
	}

	@ParameterizedTest
	@EnumSource(names = { "MARIADB", "MYSQL" })
	void aPooledConnectionIdleWhenTheReplicaFreezesCostsTheNextReadABoundedDelay(MariaDbDriver driver) {
		MariaDbNode replica = cluster.replica(1);
		runner(driver).run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitServing(monitor, replica);
			Reads reads = new Reads(context);
			assertThat(reads.once("select @@port").port()).isEqualTo(replica.port());
			long lastUse = System.nanoTime();
			// Not a pause for something to happen: the connection must be idle past the window for
			// the pool to check it on the next borrow, which is the case under test.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - lastUse > IDLE_PAST_ALIVE_BYPASS_WINDOW.toNanos());
			replica.freeze();
			Read read;
			try {
				read = reads.once("select @@port");
			}
			finally {
				replica.thaw();
			}
			System.out.printf("%s, read borrowing a connection idle since before the freeze: %d ms, served by %s%n",
					driver, read.millis(), (read.port() == cluster.primary().port()) ? "the writer" : read.port());
			assertThat(read.port()).as("served by the writer").isEqualTo(cluster.primary().port());
			assertThat(read.millis()).as("read, ms").isLessThan(LONGEST_READ.toMillis());
		});
	}

	private static void awaitServing(ReplicaMonitor monitor, MariaDbNode replica) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> monitor.writerIdentity() != null && monitor.status(replica.name()).up()
					&& !monitor.status(replica.name()).excluded());
	}

	record Read(int port, long startedAt, long endedAt) {

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.endedAt - this.startedAt);
		}

	}

	/**
	 * Read-only transactions of one statement that returns the server's port.
	 */
	static final class Reads {

		private final JdbcClient jdbc;

		private final TransactionTemplate readOnly;

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Future<?>> loops = new ArrayList<>();

		final Queue<Read> done = new ConcurrentLinkedQueue<>();

		final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

		// When the read each loop is running now began.
		private final Map<Thread, Long> inFlight = new ConcurrentHashMap<>();

		Reads(AssertableApplicationContext context) {
			this.jdbc = context.getBean(JdbcClient.class);
			this.readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			this.readOnly.setReadOnly(true);
		}

		Read once(String sql) {
			long start = System.nanoTime();
			Integer port = this.readOnly.execute((status) -> this.jdbc.sql(sql).query(Integer.class).single());
			return new Read(port, start, System.nanoTime());
		}

		void loop(String sql) {
			this.loops.add(this.executor.submit(() -> {
				while (this.running.get()) {
					this.inFlight.put(Thread.currentThread(), System.nanoTime());
					try {
						this.done.add(once(sql));
					}
					catch (RuntimeException ex) {
						this.failures.add(ex);
					}
					finally {
						this.inFlight.remove(Thread.currentThread());
					}
				}
			}));
		}

		long on(int port) {
			return this.done.stream().filter((read) -> read.port() == port).count();
		}

		boolean noneBegunBefore(long at) {
			return this.inFlight.values().stream().allMatch((startedAt) -> startedAt > at);
		}

		long spanning(long at) {
			return this.done.stream().filter((read) -> read.startedAt() < at && read.endedAt() > at).count();
		}

		Read longest() {
			return this.done.stream().max((a, b) -> Long.compare(a.millis(), b.millis())).orElseThrow();
		}

		void stop() throws Exception {
			this.running.set(false);
			for (Future<?> loop : this.loops) {
				loop.get(60, TimeUnit.SECONDS);
			}
			this.executor.shutdown();
		}

	}

}
