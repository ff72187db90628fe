/**
 * Web support: the consistency token on requests and responses (servlet filter, client
 * interceptors) and the route header.
 */
@NullMarked
package io.github.rwrouting.web;

import org.jspecify.annotations.NullMarked;
