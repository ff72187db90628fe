package io.github.rwrouting.autoconfigure.mariadb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.rwrouting.autoconfigure.RwRoutingAutoConfiguration;
import io.github.rwrouting.autoconfigure.RwRoutingMetricsAutoConfiguration;
import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.FailoverRetry;
import io.github.rwrouting.failover.WriterPoolEvictor;
import io.github.rwrouting.metrics.FailoverMetrics;
import io.github.rwrouting.metrics.RoutingMetrics;
import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;
import io.github.rwrouting.test.ReplicatedMariaDb;
import io.github.rwrouting.topology.ReplicaMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A writer failover on a real MariaDB primary and two GTID replicas under concurrent reads and
 * writes, through MariaDB Connector/J: the primary is killed (SIGKILL), replica1 (semi-synchronous,
 * {@code AFTER_SYNC}, so every acknowledged commit reached it) applies what it received and is
 * promoted, and the writer endpoint moves to it as a cluster endpoint's DNS name does (a TCP
 * forwarder). Every acknowledged write is on the new primary; no read fails; a token from before the
 * failover sends its read to the writer ({@code writer-stale-timeline}); the monitor sees the new
 * writer's server id and the reader on the promoted node as the writer's own node. With MySQL
 * Connector/J in {@link MySqlConnectorJWriterFailoverIntegrationTests}.
 */
@ReplicatedMariaDb(replicas = 2)
class MariaDbWriterFailoverIntegrationTests {

	private static final int WRITERS = 4;

	private static final int READERS = 3;

	static MariaDbCluster cluster;

	@BeforeAll
	static void createSchemaAndSemiSync(MariaDbCluster mariadb) throws SQLException {
		cluster = mariadb;
		MariaDbNode primary = cluster.primary();
		MariaDbNode replica1 = cluster.replica(1);
		execute(primary, "create table failover (id int auto_increment primary key, text varchar(64) not null unique)");
		// Lossless semi-synchronous replication to replica1 only, as PostgreSQL's synchronous standby.
		execute(primary, "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC");
		execute(primary, "SET GLOBAL rpl_semi_sync_master_timeout = 600000");
		execute(primary, "SET GLOBAL rpl_semi_sync_master_enabled = ON");
		execute(replica1, "SET GLOBAL rpl_semi_sync_slave_enabled = ON");
		execute(replica1, "STOP SLAVE IO_THREAD");
		execute(replica1, "START SLAVE IO_THREAD");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "1".equals(status(primary, "Rpl_semi_sync_master_clients"))
					&& "ON".equals(status(primary, "Rpl_semi_sync_master_status")));
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void noAcknowledgedWriteIsLostNoReadFailsAndOldTokensReadFromTheWriter() throws Exception {
		MariaDbNode oldPrimary = cluster.primary();
		MariaDbNode promoted = cluster.replica(1);
		try (WriterEndpoint endpoint = new WriterEndpoint(oldPrimary.port())) {
			runner(writerUrl(endpoint.port())).run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(FailoverMetrics.class).bindTo(registry);
				context.getBean(RoutingMetrics.class).bindTo(registry);
				ReplicaMonitor monitor = context.getBean(ReplicaMonitor.class);
				ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
				Writes writes = context.getBean(Writes.class);
				Reads reads = context.getBean(Reads.class);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> monitor.writerIdentity() != null && monitor.status("r1").up()
							&& monitor.status("r2").up());
				// A token from before the failover: the old primary's GTID under its server id.
				consistency.set(null);
				writes.insert("token-write");
				ConsistencyToken oldToken = consistency.current();
				consistency.set(null);
				assertThat(oldToken.entries().get(0).timeline()).isEqualTo(oldPrimary.serverId());

				Load load = new Load(writes, reads);
				load.start();
				await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.size() >= 50);

				long killedAt = System.nanoTime();
				oldPrimary.kill();
				// What a failover manager does: let the semi-synchronous replica apply all it received.
				promoted.awaitReplay(receivedGtids(promoted), Duration.ofSeconds(30));
				promoted.promote();
				endpoint.moveTo(promoted.port());

				await().atMost(Duration.ofSeconds(30))
					.until(() -> monitor.writerIdentity() != null
							&& monitor.writerIdentity().timeline() == promoted.serverId()
							&& monitor.status("r1").servedByWriterNode());
				long promotionSeenAt = System.nanoTime();
				long acknowledgedAtPromotionSeen = load.acknowledged.size();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.size() >= acknowledgedAtPromotionSeen + 100);
				// Reads keep coming after the monitor saw the promotion.
				long readsAtPromotionSeen = load.readsDone.get();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.readsDone.get() >= readsAtPromotionSeen + 100);
				load.stop();

				System.out.printf("MariaDB writer failover (%s): %d writes acknowledged, %d failed for good, %d reads, "
						+ "%d failed, first write on the new primary %d ms after the kill, %d writer pool retirements, "
						+ "%.0f retries%n", driverName(), load.acknowledged.size(), load.writeFailures.size(), load.readsDone.get(),
						load.readFailures.size(),
						TimeUnit.NANOSECONDS.toMillis(load.firstAckOn(promoted.serverId()) - killedAt),
						context.getBean(WriterPoolEvictor.class).evictions(),
						registry.get(FailoverMetrics.RETRIES).tag("outcome", "retry").counter().count());
				load.writeFailures.forEach((ex) -> System.out.println("  write failed: " + ex));
				System.out.println("  what failed writes and their retried attempts threw: "
						+ describe(load.writeFailures) + ", " + describe(writes.attemptFailures()));

				Set<String> onNewPrimary = texts(promoted);
				assertThat(onNewPrimary).as("every acknowledged write on the new primary")
					.containsAll(load.acknowledged.stream().map(Ack::text).toList());
				assertThat(load.readFailures).as("failed reads").isEmpty();
				// Only a transaction whose COMMIT was cut (outcome unknown, never re-run) may fail: one per writer.
				assertThat(load.writeFailures).as("writes that failed after their retries").hasSizeLessThanOrEqualTo(WRITERS)
					.allSatisfy((ex) -> assertThat(FailoverExceptions.isCommitOutcomeUnknown(ex))
						.as("commit outcome unknown: %s", ex)
						.isTrue());
				assertThat(load.acknowledged.stream().filter((ack) -> ack.at() > promotionSeenAt))
					.as("writes after the failover").isNotEmpty()
					.allSatisfy((ack) -> assertThat(ack.serverId()).isEqualTo(promoted.serverId()));
				// r1 now reaches the writer's own node (the endpoint moved to it): it keeps serving, with the
				// primary's data; r2 follows the dead primary and falls behind the new one.
				assertThat(monitor.status("r1").excluded()).isFalse();

				// The old token: the new writer has another server id, so its read goes to the writer.
				double staleBefore = outcomes(registry, "writer-stale-timeline");
				consistency.set(oldToken);
				try {
					Read read = reads.readTokenWrite();
					assertThat(read.serverId()).as("read on the new writer").isEqualTo(promoted.serverId());
					assertThat(read.found()).isOne();
				}
				finally {
					consistency.set(null);
				}
				assertThat(outcomes(registry, "writer-stale-timeline")).isEqualTo(staleBefore + 1);
			});
		}
	}

	/**
	 * The writer's URL, through the endpoint, with the driver's flags and timeouts that end a
	 * statement or a connection attempt cut by the kill.
	 * @param endpointPort the writer endpoint's port
	 * @return the URL
	 */
	String writerUrl(int endpointPort) {
		return "jdbc:mariadb://" + MariaDbNode.HOST + ":" + endpointPort + "/" + cluster.database()
				+ "?allowMultiQueries=true&connectTimeout=2000&socketTimeout=5000";
	}

	String readerUrl(MariaDbNode node) {
		return node.jdbcUrl();
	}

	String driverName() {
		return "MariaDB Connector/J";
	}

	private ApplicationContextRunner runner(String writerUrl) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
					RwRoutingMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withUserConfiguration(FailoverConfiguration.class)
			.withPropertyValues("spring.datasource.url=" + writerUrl,
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(),
					"spring.datasource.hikari.maximum-pool-size=" + (WRITERS + 2),
					"spring.datasource.hikari.connection-timeout=3000",
					"rw-routing.readers.r1.url=" + readerUrl(cluster.replica(1)),
					"rw-routing.readers.r2.url=" + readerUrl(cluster.replica(2)), "rw-routing.monitor.interval=100ms",
					"rw-routing.consistency.signing-key=mariadb-failover-signing-key",
					"rw-routing.failover.retry.max-retries=30", "rw-routing.failover.retry.delay=50ms",
					"rw-routing.failover.retry.max-delay=500ms");
	}

	/** The GTIDs a replica has received (its relay log), applied or not. */
	private static String receivedGtids(MariaDbNode replica) throws SQLException {
		try (Connection connection = replica.connect(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW SLAVE STATUS")) {
			rs.next();
			return rs.getString("Gtid_IO_Pos");
		}
	}

	private static void execute(MariaDbNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String status(MariaDbNode node, String variable) throws SQLException {
		try (Connection connection = node.connect();
				var statement = connection.prepareStatement(
						"SELECT variable_value FROM information_schema.global_status WHERE variable_name = ?")) {
			statement.setString(1, variable.toUpperCase());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	private static Set<String> texts(MariaDbNode node) throws SQLException {
		Set<String> texts = new HashSet<>();
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select text from failover")) {
			while (rs.next()) {
				texts.add(rs.getString(1));
			}
		}
		return texts;
	}

	private static double outcomes(SimpleMeterRegistry registry, String outcome) {
		Counter counter = registry.find(RoutingMetrics.CONSISTENCY).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * The distinct exceptions in failures, each as the innermost {@link SQLException}'s class, SQLSTATE
	 * and error code (or the failure's class when none).
	 */
	private static Set<String> describe(Queue<Throwable> failures) {
		Set<String> described = new TreeSet<>();
		for (Throwable failure : failures) {
			SQLException sql = null;
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof SQLException ex) {
					sql = ex;
				}
			}
			described.add((sql != null) ? sql.getClass().getName() + " " + sql.getSQLState() + " " + sql.getErrorCode()
					: failure.getClass().getName());
		}
		return described;
	}

	record Ack(String text, int serverId, long at) {

	}

	record Read(int found, int serverId) {

	}

	static final class Load {

		private final Writes writes;

		private final Reads reads;

		private final ExecutorService executor = Executors.newFixedThreadPool(WRITERS + READERS);

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Future<?>> futures = new ArrayList<>();

		final Queue<Ack> acknowledged = new ConcurrentLinkedQueue<>();

		final Queue<Throwable> writeFailures = new ConcurrentLinkedQueue<>();

		final Queue<Throwable> readFailures = new ConcurrentLinkedQueue<>();

		final AtomicLong readsDone = new AtomicLong();

		Load(Writes writes, Reads reads) {
			this.writes = writes;
			this.reads = reads;
		}

		void start() {
			for (int w = 0; w < WRITERS; w++) {
				int writer = w;
				this.futures.add(this.executor.submit(() -> {
					for (int i = 0; this.running.get(); i++) {
						String text = "w" + writer + "-" + i;
						try {
							int serverId = this.writes.insert(text);
							this.acknowledged.add(new Ack(text, serverId, System.nanoTime()));
						}
						catch (RuntimeException ex) {
							this.writeFailures.add(ex);
						}
					}
				}));
			}
			for (int r = 0; r < READERS; r++) {
				this.futures.add(this.executor.submit(() -> {
					while (this.running.get()) {
						try {
							this.reads.count();
							this.readsDone.incrementAndGet();
						}
						catch (RuntimeException ex) {
							this.readFailures.add(ex);
						}
					}
				}));
			}
		}

		void stop() throws Exception {
			this.running.set(false);
			for (Future<?> future : this.futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			this.executor.shutdown();
		}

		long firstAckOn(int serverId) {
			return this.acknowledged.stream()
				.filter((ack) -> ack.serverId() == serverId)
				.mapToLong(Ack::at)
				.min()
				.orElse(Long.MAX_VALUE);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailoverConfiguration {

		@Bean
		Writes writes(JdbcClient jdbc) {
			return new Writes(jdbc);
		}

		@Bean
		Reads reads(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
			return new Reads(jdbc, transactionManager);
		}

	}

	static class Writes {

		private final JdbcClient jdbc;

		private final Queue<Throwable> attemptFailures = new ConcurrentLinkedQueue<>();

		Writes(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * What the attempts' statements threw, retried or not (a failed commit is not seen here).
		 */
		public Queue<Throwable> attemptFailures() {
			return this.attemptFailures;
		}

		@FailoverRetry
		@Transactional
		public int insert(String text) {
			try {
				this.jdbc.sql("insert into failover (text) values (?)").param(text).update();
				return this.jdbc.sql("select @@server_id").query(Integer.class).single();
			}
			catch (RuntimeException ex) {
				this.attemptFailures.add(ex);
				throw ex;
			}
		}

	}

	static class Reads {

		private final JdbcClient jdbc;

		private final TransactionTemplate readOnly;

		Reads(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
			this.jdbc = jdbc;
			this.readOnly = new TransactionTemplate(transactionManager);
			this.readOnly.setReadOnly(true);
		}

		int count() {
			return this.readOnly.execute((status) -> this.jdbc.sql("select count(*) from failover")
				.query(Integer.class)
				.single());
		}

		Read readTokenWrite() {
			return this.readOnly.execute((status) -> this.jdbc
				.sql("select count(*), @@server_id from failover where text = 'token-write'")
				.query((rs, row) -> new Read(rs.getInt(1), rs.getInt(2)))
				.single());
		}

	}

}
