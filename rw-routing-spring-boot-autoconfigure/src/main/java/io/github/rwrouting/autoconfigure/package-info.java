/**
 * Auto-configuration for read/write routing, as Spring Boot's own: auto-configuration classes, the
 * rw-routing.* properties, conditions, connection details, the failure analyzer and runtime hints.
 */
@NullMarked
package io.github.rwrouting.autoconfigure;

import org.jspecify.annotations.NullMarked;
