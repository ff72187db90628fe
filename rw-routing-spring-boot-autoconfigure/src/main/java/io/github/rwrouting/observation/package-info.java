/**
 * Routing decisions as Micrometer observations: route, reason and consistency outcome of each routed
 * connection, as low-cardinality key values.
 */
@NullMarked
package io.github.rwrouting.observation;

import org.jspecify.annotations.NullMarked;
