/**
 * A replicated PostgreSQL (a primary and streaming hot standbys) or MariaDB (a primary and GTID replicas)
 * in Testcontainers containers, and its readers as Spring Boot service connections, see
 * {@link io.github.rwrouting.testcontainers.ReaderServiceConnection}.
 */
package io.github.rwrouting.testcontainers;
