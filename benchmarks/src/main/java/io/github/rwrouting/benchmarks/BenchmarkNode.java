package io.github.rwrouting.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One server of a {@link BenchmarkCluster}, for the drills that fail it: rw-routing-test's PostgreSQL or MariaDB
 * node behind the same operations.
 */
interface BenchmarkNode {

	/** @return {@code primary}, {@code replica1}, ... */
	String name();

	int port();

	/** @return a new superuser connection to the benchmark database on this server */
	Connection connect() throws SQLException;

	/** Stop the server process (SIGSTOP): it keeps its connections but answers nothing. */
	void freeze();

	void thaw();

	boolean isFrozen();

	/** Kill the server process (SIGKILL). */
	void kill();

	/** Start the server again after {@link #kill()}. */
	void start();

	/** Promote this replica to a primary. */
	void promote();

}
