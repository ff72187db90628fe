/**
 * A real replicated PostgreSQL cluster (a primary and streaming hot standbys) for tests, started from the
 * PostgreSQL server binaries published on Maven Central, without Docker and without a system installation.
 *
 * <p>Start one with {@link io.github.rwrouting.test.PostgresCluster#builder()} or, in JUnit Jupiter, annotate
 * the test class with {@link io.github.rwrouting.test.ReplicatedPostgres} and declare a
 * {@link io.github.rwrouting.test.PostgresCluster} parameter.
 */
package io.github.rwrouting.test;
