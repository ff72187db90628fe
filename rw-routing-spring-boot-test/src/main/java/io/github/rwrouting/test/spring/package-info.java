/**
 * Spring test support: a real replicated PostgreSQL from {@code rw-routing-test} as the writer's and
 * readers' connection details of a test context, see {@link AutoConfigureReplicatedPostgres}.
 */
package io.github.rwrouting.test.spring;
