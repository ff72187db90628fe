package io.github.rwrouting.autoconfigure.docker.compose;

import java.util.List;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.lifecycle.DockerComposeServicesReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.util.StringUtils;

/**
 * Registers one {@link ReaderConnectionDetails} bean per reader service of the compose file, named after
 * the reader, when Spring Boot has started the services and before the context is refreshed, so that
 * rw-routing sees the readers when it registers their pools.
 * <p>
 * A reader service is one whose {@value #SERVICE_CONNECTION_LABEL} label is {@value #READER_CONNECTION}:
 * no Spring Boot connection details factory knows that name, so Boot makes no second
 * {@code JdbcConnectionDetails} for a replica. The reader's name is the service's name (as in the compose
 * file, not the container's name), or the {@value #READER_NAME_LABEL} label's value.
 *
 * @author rw-routing
 */
final class DockerComposeReaders {

	/** Spring Boot's label that overrides the image name when matching connection details factories. */
	static final String SERVICE_CONNECTION_LABEL = "org.springframework.boot.service-connection";

	/** The connection name that marks a replica service as one of rw-routing's readers. */
	static final String READER_CONNECTION = "rw-routing-reader";

	/** Optional label naming the reader when the service name should not be its name. */
	static final String READER_NAME_LABEL = "io.github.rwrouting.reader.name";

	/** Docker Compose's label with the service's name ({@link RunningService#name()} is the container's). */
	private static final String COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

	private DockerComposeReaders() {
	}

	static void register(ApplicationEvent event) {
		DockerComposeServicesReadyEvent servicesReady = (DockerComposeServicesReadyEvent) event;
		ApplicationContext context = servicesReady.getSource();
		if (context instanceof BeanDefinitionRegistry registry) {
			register(registry, servicesReady.getRunningServices());
		}
	}

	static void register(BeanDefinitionRegistry registry, List<RunningService> services) {
		for (RunningService service : services) {
			if (READER_CONNECTION.equals(service.labels().get(SERVICE_CONNECTION_LABEL))) {
				PostgresDockerComposeReaderConnectionDetails details = PostgresDockerComposeReaderConnectionDetails
					.of(service);
				RootBeanDefinition definition = new RootBeanDefinition(
						PostgresDockerComposeReaderConnectionDetails.class, () -> details);
				// The bean name is the reader name.
				registry.registerBeanDefinition(readerName(service), definition);
			}
		}
	}

	static String readerName(RunningService service) {
		String name = service.labels().get(READER_NAME_LABEL);
		if (StringUtils.hasText(name)) {
			return name;
		}
		String serviceName = service.labels().get(COMPOSE_SERVICE_LABEL);
		return StringUtils.hasText(serviceName) ? serviceName : service.name();
	}

}
