package io.github.rwrouting.autoconfigure.docker.compose;

import java.util.List;
import java.util.Map;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.jspecify.annotations.Nullable;

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
				ReaderConnectionDetails details = connectionDetails(service);
				RootBeanDefinition definition = new RootBeanDefinition(ReaderConnectionDetails.class,
						() -> details);
				// The bean name is the reader name.
				registry.registerBeanDefinition(readerName(service), definition);
			}
		}
	}

	/**
	 * The reader's connection, by the database the service runs: PostgreSQL when it has
	 * {@code POSTGRES_*} (or {@code POSTGRESQL_*}) environment, MariaDB when its image's name contains
	 * {@code mariadb} or it has {@code MARIADB_*} (or {@code MYSQL_*}, which the MariaDB image also reads)
	 * environment.
	 */
	static ReaderConnectionDetails connectionDetails(RunningService service) {
		Map<String, @Nullable String> env = service.env();
		if (hasKeyStartingWith(env, "POSTGRES_", "POSTGRESQL_")) {
			return PostgresDockerComposeReaderConnectionDetails.of(service);
		}
		if (service.image().getName().contains("mariadb") || hasKeyStartingWith(env, "MARIADB_", "MYSQL_")) {
			return MariaDbDockerComposeReaderConnectionDetails.of(service);
		}
		throw new IllegalStateException(describe(service) + " is labelled " + SERVICE_CONNECTION_LABEL + "="
				+ READER_CONNECTION + " but is neither a PostgreSQL nor a MariaDB service. A PostgreSQL reader needs "
				+ "POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB (those of the primary); a MariaDB reader an "
				+ "image whose name contains 'mariadb', or MARIADB_USER, MARIADB_PASSWORD and MARIADB_DATABASE "
				+ "(those of the primary). Set them, or remove the label and declare the reader with "
				+ "rw-routing.readers.<name>.url");
	}

	/** Names a service for failure messages: its compose name, container and image. */
	static String describe(RunningService service) {
		return "Docker Compose service '" + readerName(service) + "' (container '" + service.name() + "', image '"
				+ service.image() + "')";
	}

	private static boolean hasKeyStartingWith(Map<String, @Nullable String> env, String... prefixes) {
		for (String key : env.keySet()) {
			for (String prefix : prefixes) {
				if (key.startsWith(prefix)) {
					return true;
				}
			}
		}
		return false;
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
