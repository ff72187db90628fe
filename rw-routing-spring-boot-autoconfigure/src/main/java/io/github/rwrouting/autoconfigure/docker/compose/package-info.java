/**
 * Readers from Spring Boot's Docker Compose support: replica services of the compose file become
 * {@code ReaderConnectionDetails} beans. Only used when {@code spring-boot-docker-compose} is present.
 */
@NullMarked
package io.github.rwrouting.autoconfigure.docker.compose;

import org.jspecify.annotations.NullMarked;
