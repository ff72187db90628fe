package io.github.rwrouting.autoconfigure.docker.compose;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Registered in {@code META-INF/spring.factories} as Spring Boot registers its own Docker Compose
 * listeners, so that Boot's {@code DockerComposeLifecycleManager} hands it the
 * {@code DockerComposeServicesReadyEvent} before the context is refreshed. The event type is matched by
 * name, so that this listener loads and stays inert when {@code spring-boot-docker-compose} is absent;
 * only {@link DockerComposeReaders} uses its types.
 *
 * @author rw-routing
 */
class DockerComposeReadersListener implements GenericApplicationListener {

	private static final String SERVICES_READY_EVENT = "org.springframework.boot.docker.compose.lifecycle.DockerComposeServicesReadyEvent";

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.getRawClass();
		return type != null && SERVICES_READY_EVENT.equals(type.getName());
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		DockerComposeReaders.register(event);
	}

}
