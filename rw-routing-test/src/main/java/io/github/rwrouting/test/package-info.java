/**
 * A real replicated PostgreSQL cluster (a primary and streaming hot standbys) and a real replicated MariaDB
 * cluster (a primary and GTID replicas) for tests, started from server binaries published on Maven Central,
 * without Docker and without a system installation.
 *
 * <p>Start one with {@link io.github.rwrouting.test.PostgresCluster#builder()} or
 * {@link io.github.rwrouting.test.MariaDbCluster#builder()} or, in JUnit Jupiter, annotate the test class with
 * {@link io.github.rwrouting.test.ReplicatedPostgres} or {@link io.github.rwrouting.test.ReplicatedMariaDb} and
 * declare a {@link io.github.rwrouting.test.PostgresCluster} or {@link io.github.rwrouting.test.MariaDbCluster}
 * parameter.
 */
package io.github.rwrouting.test;
