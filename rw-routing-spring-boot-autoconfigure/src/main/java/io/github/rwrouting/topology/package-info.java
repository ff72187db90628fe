/**
 * What is known of the cluster: its state (dialect, writer identity, each node's role, replay
 * position, lag and exclusion), the replica monitor that writes it, and the dialects, the only
 * place with SQL.
 */
@NullMarked
package io.github.rwrouting.topology;

import org.jspecify.annotations.NullMarked;
