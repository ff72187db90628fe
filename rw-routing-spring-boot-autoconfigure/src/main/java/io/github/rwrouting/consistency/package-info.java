/**
 * Read-after-write consistency: tokens carrying commit positions, their scopes and codec, and the
 * guard that captures a write's position and checks a replica for it.
 */
@NullMarked
package io.github.rwrouting.consistency;

import org.jspecify.annotations.NullMarked;
