package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.rwrouting.topology.DatabaseDialect;

/**
 * What the benchmarks need from a real replicated database, whichever it is: a primary and one replica started
 * for the run, their URLs and users, the SQL that differs between PostgreSQL and MariaDB, and a way to make the
 * replica lag. {@link #start(String, int)} picks the implementation from the {@code --database} option.
 */
interface BenchmarkCluster extends AutoCloseable {

	/** The {@code --database} values, the first the default. */
	String DATABASES = "postgresql or mariadb";

	/**
	 * Start a primary and one replica.
	 * @param database {@code postgresql} or {@code mariadb}
	 * @param maxConnections the servers' connection limit
	 * @return the running cluster
	 */
	static BenchmarkCluster start(String database, int maxConnections) {
		return start(database, 1, false, maxConnections);
	}

	/**
	 * Start a primary and replicas.
	 * @param database {@code postgresql} or {@code mariadb}
	 * @param replicas how many
	 * @param synchronousReplica whether the primary acknowledges a commit only once {@code replica1} has it
	 * (PostgreSQL: a synchronous standby; MariaDB: semi-synchronous replication to {@code replica1})
	 * @param maxConnections the servers' connection limit
	 * @return the running cluster
	 */
	static BenchmarkCluster start(String database, int replicas, boolean synchronousReplica, int maxConnections) {
		if (checkDatabase(database).equalsIgnoreCase("mariadb")) {
			return MariaDbBenchmarkCluster.start(replicas, synchronousReplica, maxConnections);
		}
		return PostgresBenchmarkCluster.start(replicas, synchronousReplica, maxConnections);
	}

	/**
	 * @param database a {@code --database} value
	 * @return the value, when it names a database the benchmarks can start
	 * @throws IllegalArgumentException otherwise
	 */
	static String checkDatabase(String database) {
		if (!List.of("postgresql", "postgres", "mariadb").contains(database.toLowerCase(Locale.ROOT))) {
			throw new IllegalArgumentException("--database: unknown database '" + database + "' (" + DATABASES + ")");
		}
		return database;
	}

	/**
	 * Finds {@code --database NAME} or {@code --database=NAME} in a command line.
	 * @param args the command line
	 * @return the named database, {@code postgresql} when the option is absent
	 */
	static String databaseOption(String[] args) {
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--database=")) {
				return checkDatabase(args[i].substring("--database=".length()));
			}
			if (args[i].equals("--database")) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("--database needs a value (" + DATABASES + ")");
				}
				return checkDatabase(args[i + 1]);
			}
		}
		return "postgresql";
	}

	/** @return e.g. {@code PostgreSQL 18.6, primary + 1 streaming hot standby ...}: what runs, with its settings */
	String describe() throws SQLException;

	/** @return the primary's JDBC URL as the application's writer uses it */
	String writerUrl();

	/** @return the replica's JDBC URL */
	default String readerUrl() {
		return readerUrl(1, 0);
	}

	/**
	 * @param replica the replica's number, from 1
	 * @param socketTimeoutSeconds how long a read waits for the server, 0 for the driver's default (none)
	 * @return the replica's JDBC URL
	 */
	String readerUrl(int replica, int socketTimeoutSeconds);

	/**
	 * A writer URL that follows a promotion: both the primary and {@code replica1}, the writable one wins.
	 * @param timeoutSeconds the connect and socket timeouts
	 * @return the multi-host JDBC URL
	 */
	String failoverWriterUrl(int timeoutSeconds);

	/** @param replica the replica's number, from 1 @return its port */
	int replicaPort(int replica);


	String username();

	String password();

	/** @return the routing's dialect for these servers, for benchmarks that build the routing by hand */
	DatabaseDialect dialect();

	/** @return a new superuser connection to the primary's benchmark database */
	Connection connectPrimary() throws SQLException;

	/** @return a new superuser connection to the replica's benchmark database */
	default Connection connectReplica() throws SQLException {
		return connectReplica(1);
	}

	/** @param replica the replica's number, from 1 @return a new superuser connection to its benchmark database */
	Connection connectReplica(int replica) throws SQLException;

	/** @return the column definition of a generated {@code bigint} primary key {@code id} */
	String idColumn();

	/**
	 * @return a query with parameters client and seq, answering whether that row exists (boolean) and whether the
	 * server is a replica (boolean)
	 */
	String readEventAndRole();

	/** @return a query run on the primary right after a commit: its position (text), covering that commit */
	String writePosition();

	/**
	 * @return a query run on the replica with parameters position, client and seq: its replay position (text),
	 * whether it has replayed the position (boolean), whether the row is visible (boolean)
	 */
	String replayCheck();

	/** @return how {@link #setLag} makes the replica lag, for the printed settings */
	String lagMethod();

	/**
	 * Make the replica lag about this much behind the primary from now on, {@link Duration#ZERO} for none. Returns
	 * once the change is in effect.
	 * @param lag the lag
	 */
	void setLag(Duration lag);

	void awaitReplicaCaughtUp(Duration timeout);

	/** @return the node started as the primary (still that one after a promotion) */
	BenchmarkNode primaryNode();

	/** @param replica the replica's number, from 1 @return the node started as that replica */
	BenchmarkNode replicaNode(int replica);

	/** @return SQL for the port of the server it runs on (an int) */
	String serverPortExpression();

	/** @return SQL for whether the server it runs on is a replica (a boolean) */
	String isReplicaExpression();

	/** @return an INSERT of a row with only default values into the table */
	String insertDefaults(String table);

	/**
	 * Lock a table on the primary so that writes to it wait, until the returned handle is closed.
	 * @param table the table
	 * @return the lock, released by {@code close()}
	 */
	AutoCloseable lockTable(String table) throws SQLException;

	/** @return how many statements wait for the {@link #lockTable table lock} on the primary */
	int waitingForTableLock(String table) throws SQLException;

	@Override
	void close();

}
