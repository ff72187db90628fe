/**
 * Micrometer meters for routing, replicas, consistency and failover retries.
 */
@NullMarked
package io.github.rwrouting.metrics;

import org.jspecify.annotations.NullMarked;
