/**
 * The routing core: the application's DataSource, its lazy connection that binds to a pool at the
 * first statement, and the read-route planner that decides where each connection goes.
 */
@NullMarked
package io.github.rwrouting.routing;

import org.jspecify.annotations.NullMarked;
