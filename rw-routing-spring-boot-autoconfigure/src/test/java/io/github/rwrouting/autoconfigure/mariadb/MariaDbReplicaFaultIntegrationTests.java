package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingHealthAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.health.RwRoutingHealthIndicator;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.ExclusionReason;
import io.github.rwrouting.topology.NodeRole;
import io.github.rwrouting.topology.ReplicaMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
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
 * Replica faults under concurrent reads and writes against a real MariaDB primary and two GTID
 * replicas, at the monitor's default interval and timeout (1 s each), with MariaDB Connector/J and a
 * 3 s {@code socketTimeout} on the readers:
 * replica1 frozen (SIGSTOP), killed and restarted, then promoted while the writer stays on the
 * primary. No read fails, no read waits long, the monitor excludes replica1 (health shows it) and
 * re-admits it, and once promoted it serves no read.
 */
@ReplicatedMariaDb(replicas = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbReplicaFaultIntegrationTests {

	private static final int READERS = 3;

	private static final Duration LONGEST_READ = Duration.ofSeconds(5);

	// Above the longest read: readers with a socketTimeout, as some applications set one; without
	// it a frozen replica is bounded as well (MariaDbFrozenReplicaIntegrationTests).
	private static final String READER_FLAGS = "?socketTimeout=3000";

	private static MariaDbCluster cluster;

	@BeforeAll
	static void createSchema(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table faults (id int auto_increment primary key, text varchar(64) not null)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, RwRoutingHealthAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + cluster.primary().jdbcUrl() + "?allowMultiQueries=true",
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"rw-routing.readers.r1.url=" + cluster.replica(1).jdbcUrl() + READER_FLAGS,
					"rw-routing.readers.r2.url=" + cluster.replica(2).jdbcUrl() + READER_FLAGS, "rw-routing.max-lag=1h");
	}

	@Test
	@Order(1)
	void aFrozenReplicaIsExcludedWithoutAFailedReadAndReadmittedAfterThaw() {
		faultUnderLoad("frozen", ExclusionReason.DOWN, MariaDbNode::freeze, MariaDbNode::thaw);
	}

	@Test
	@Order(2)
	void aKilledReplicaIsExcludedWithoutAFailedReadAndReadmittedAfterRestart() {
		faultUnderLoad("killed, restarted", ExclusionReason.DOWN, MariaDbNode::kill, MariaDbNode::start);
	}

	@Test
	@Order(3)
	void aPromotedReplicaServesNoReadOnceTheMonitorSawIt() {
		MariaDbNode promoted = cluster.replica(1);
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitBothServing(monitor);
			Load load = new Load(context);
			load.start();
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> load.readsOn(promoted.port()) > 0);
				promoted.promote();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> monitor.status("r1").exclusionReason() == ExclusionReason.NOT_A_REPLICA);
				long seenAt = System.nanoTime();
				assertThat(monitor.status("r1").role()).isEqualTo(NodeRole.PRIMARY);
				assertThat(monitor.status("r1").servedByWriterNode()).isFalse();
				assertThat(readerDetails(context, "r1")).containsEntry("excluded", true)
					.containsEntry("exclusionReason", "not-a-replica");
				int readsAtSeen = load.reads.size();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.reads.size() >= readsAtSeen + 200);
				load.stop();
				// Reads that began before the monitor's view changed may still end on it.
				assertThat(load.reads.stream().filter((read) -> read.startedAt() > seenAt && read.port() == promoted.port()))
					.as("reads begun on the promoted replica once the monitor saw it").isEmpty();
				assertThat(load.readFailures).as("failed reads").isEmpty();
				assertThat(load.writeFailures).as("failed writes").isEmpty();
				assertThat(promoted.isReadOnly()).isFalse();
			}
			finally {
				load.stop();
			}
		});
	}

	private void faultUnderLoad(String fault, ExclusionReason reason, Consumer<MariaDbNode> inject,
			Consumer<MariaDbNode> recover) {
		MariaDbNode replica = cluster.replica(1);
		runner().run((context) -> {
			ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
			awaitBothServing(monitor);
			Load load = new Load(context);
			load.start();
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> load.readsOn(replica.port()) > 0);
				long injectedAt = System.nanoTime();
				inject.accept(replica);
				try {
					await().atMost(Duration.ofSeconds(10))
						.until(() -> monitor.status("r1").excluded() && monitor.status("r1").exclusionReason() == reason);
					long excludedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - injectedAt);
					assertThat(readerDetails(context, "r1")).containsEntry("excluded", true);
					int readsAtExclusion = load.reads.size();
					await().atMost(Duration.ofSeconds(10)).until(() -> load.reads.size() >= readsAtExclusion + 100);
					long recoveredAt = System.nanoTime();
					recover.accept(replica);
					await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.status("r1").excluded());
					long readmittedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveredAt);
					long readsOnReplica = load.readsOn(replica.port());
					await().atMost(Duration.ofSeconds(10)).until(() -> load.readsOn(replica.port()) > readsOnReplica);
					load.stop();
					System.out.printf("MariaDB replica %s under load: %d reads, %d failed, longest %d ms; %d writes, "
							+ "%d failed; excluded %d ms after the fault, serving %d ms after recovery%n", fault,
							load.reads.size(), load.readFailures.size(), load.longestReadMillis(), load.writes.get(),
							load.writeFailures.size(), excludedAfter, readmittedAfter);
					load.readFailures.forEach((ex) -> ex.printStackTrace(System.out));
					assertThat(load.readFailures).as("failed reads").isEmpty();
					assertThat(load.writeFailures).as("failed writes").isEmpty();
					assertThat(load.longestReadMillis()).as("longest read, ms").isLessThan(LONGEST_READ.toMillis());
				}
				finally {
					if (replica.isFrozen()) {
						replica.thaw();
					}
					if (!replica.isRunning()) {
						replica.start();
					}
				}
			}
			finally {
				load.stop();
			}
		});
	}

	private static void awaitBothServing(ReplicaMonitor monitor) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> monitor.writerIdentity() != null && monitor.status("r1").up() && !monitor.status("r1").excluded()
					&& monitor.status("r2").up() && !monitor.status("r2").excluded());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readerDetails(AssertableApplicationContext context, String reader) {
		Health health = context.getBean(RwRoutingHealthIndicator.class).health(true);
		Map<String, Object> readers = (Map<String, Object>) health.getDetails().get("readers");
		return (Map<String, Object>) readers.get(reader);
	}

	record Read(int port, long at, long nanos) {

		long startedAt() {
			return this.at - this.nanos;
		}

	}

	static final class Load {

		private final JdbcClient jdbc;

		private final TransactionTemplate readOnly;

		private final TransactionTemplate readWrite;

		private final ExecutorService executor = Executors.newFixedThreadPool(READERS + 1);

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Future<?>> futures = new ArrayList<>();

		final Queue<Read> reads = new ConcurrentLinkedQueue<>();

		final Queue<Throwable> readFailures = new ConcurrentLinkedQueue<>();

		final Queue<Throwable> writeFailures = new ConcurrentLinkedQueue<>();

		final AtomicInteger writes = new AtomicInteger();

		Load(AssertableApplicationContext context) {
			this.jdbc = context.getBean(JdbcClient.class);
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			this.readOnly = new TransactionTemplate(transactionManager);
			this.readOnly.setReadOnly(true);
			this.readWrite = new TransactionTemplate(transactionManager);
		}

		void start() {
			for (int r = 0; r < READERS; r++) {
				this.futures.add(this.executor.submit(() -> {
					while (this.running.get()) {
						long start = System.nanoTime();
						try {
							Integer port = this.readOnly
								.execute((status) -> this.jdbc.sql("select @@port").query(Integer.class).single());
							long end = System.nanoTime();
							this.reads.add(new Read(port, end, end - start));
						}
						catch (RuntimeException ex) {
							this.readFailures.add(ex);
						}
					}
				}));
			}
			this.futures.add(this.executor.submit(() -> {
				while (this.running.get()) {
					try {
						this.readWrite.executeWithoutResult((status) -> this.jdbc
							.sql("insert into faults (text) values ('load')")
							.update());
						this.writes.incrementAndGet();
					}
					catch (RuntimeException ex) {
						this.writeFailures.add(ex);
					}
				}
			}));
		}

		void stop() throws Exception {
			this.running.set(false);
			for (Future<?> future : this.futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			this.executor.shutdown();
		}

		long readsOn(int port) {
			return this.reads.stream().filter((read) -> read.port() == port).count();
		}

		long longestReadMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.reads.stream().mapToLong(Read::nanos).max().orElse(0));
		}

	}

}
