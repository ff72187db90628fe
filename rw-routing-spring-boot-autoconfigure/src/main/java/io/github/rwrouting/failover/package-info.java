/**
 * Surviving failovers and dead readers: retiring the writer pool's connections after a demotion,
 * releasing a dead reader's pool, translating failover errors and re-running @FailoverRetry
 * methods.
 */
@NullMarked
package io.github.rwrouting.failover;

import org.jspecify.annotations.NullMarked;
