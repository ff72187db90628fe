/**
 * Actuator health for routing: the writer and each reader as the replica monitor last saw them.
 */
@NullMarked
package io.github.rwrouting.health;

import org.jspecify.annotations.NullMarked;
