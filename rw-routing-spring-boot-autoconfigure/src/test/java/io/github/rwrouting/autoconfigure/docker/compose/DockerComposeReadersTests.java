package io.github.rwrouting.autoconfigure.docker.compose;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.lifecycle.DockerComposeServicesReadyEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which compose services become readers, under which name and with which connection (pure logic: the
 * services are stand-ins; DockerComposeReadersTests of rw-routing-testcontainers runs real ones).
 */
class DockerComposeReadersTests {

	private static final Map<String, @Nullable String> POSTGRES_ENV = Map.of("POSTGRES_USER", "app",
			"POSTGRES_PASSWORD", "secret", "POSTGRES_DB", "orders");

	private final GenericApplicationContext context = new GenericApplicationContext();

	@Test
	void aServiceLabelledAsReaderIsAReaderNamedAfterTheService() {
		publish(service("replica-1", Map.of("org.springframework.boot.service-connection", "rw-routing-reader"),
				POSTGRES_ENV));
		assertThat(readerNames()).containsExactly("replica-1");
		this.context.refresh();
		ReaderConnectionDetails details = this.context.getBean("replica-1", ReaderConnectionDetails.class);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:49153/orders");
		assertThat(details.getUsername()).isEqualTo("app");
		assertThat(details.getPassword()).isEqualTo("secret");
		assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
	}

	@Test
	void theReaderNameLabelNamesTheReader() {
		publish(service("db-replica", Map.of("org.springframework.boot.service-connection", "rw-routing-reader",
				"io.github.rwrouting.reader.name", "eu-west"), POSTGRES_ENV));
		assertThat(readerNames()).containsExactly("eu-west");
	}

	@Test
	void otherServicesAreLeftToSpringBoot() {
		publish(service("primary", Map.of("org.springframework.boot.service-connection", "postgres"), POSTGRES_ENV),
				service("cache", Map.of(), Map.of()));
		assertThat(readerNames()).isEmpty();
	}

	@Test
	void defaultsFollowThePostgresImage() {
		publish(service("replica-1", Map.of("org.springframework.boot.service-connection", "rw-routing-reader"),
				Map.of("POSTGRES_HOST_AUTH_METHOD", "trust")));
		this.context.refresh();
		ReaderConnectionDetails details = this.context.getBean("replica-1", ReaderConnectionDetails.class);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:49153/postgres");
		assertThat(details.getUsername()).isEqualTo("postgres");
		assertThat(details.getPassword()).isNull();
	}

	@Test
	void aReaderServiceThatIsNotPostgresFailsNamingTheService() {
		assertThatIllegalStateException()
			.isThrownBy(() -> publish(service("replica-1",
					Map.of("org.springframework.boot.service-connection", "rw-routing-reader"),
					Map.of("MARIADB_ROOT_PASSWORD", "secret"))))
			.withMessageContaining("'app-replica-1-1'")
			.withMessageContaining("only PostgreSQL replica services");
	}

	@Test
	void theListenerTakesOnlyTheServicesReadyEvent() {
		DockerComposeReadersListener listener = new DockerComposeReadersListener();
		assertThat(listener.supportsEventType(ResolvableType.forClass(DockerComposeServicesReadyEvent.class)))
			.isTrue();
		assertThat(listener.supportsEventType(ResolvableType.forClass(ContextRefreshedEvent.class))).isFalse();
	}

	// As ReaderSources finds them when reader pools are registered: from bean definitions, before refresh.
	private String[] readerNames() {
		return this.context.getDefaultListableBeanFactory()
			.getBeanNamesForType(ReaderConnectionDetails.class, true, false);
	}

	private void publish(RunningService... services) {
		// As on Spring Boot's DockerComposeServicesReadyEvent (whose constructor is Boot's own).
		DockerComposeReaders.register(this.context, List.of(services));
	}

	private static RunningService service(String name, Map<String, String> serviceLabels,
			Map<String, @Nullable String> env) {
		Map<String, String> labels = new HashMap<>(serviceLabels);
		labels.put("com.docker.compose.service", name);
		return new RunningService() {

			// As Docker Compose names containers: <project>-<service>-<index>.
			@Override
			public String name() {
				return "app-" + name + "-1";
			}

			@Override
			public ImageReference image() {
				return ImageReference.of("rw-routing/postgres:15");
			}

			@Override
			public String host() {
				return "127.0.0.1";
			}

			@Override
			public ConnectionPorts ports() {
				return new ConnectionPorts() {

					@Override
					public int get(int containerPort) {
						return (containerPort == 5432) ? 49153 : -1;
					}

					@Override
					public List<Integer> getAll() {
						return List.of(49153);
					}

					@Override
					public List<Integer> getAll(@Nullable String protocol) {
						return List.of(49153);
					}

				};
			}

			@Override
			public Map<String, @Nullable String> env() {
				return env;
			}

			@Override
			public Map<String, String> labels() {
				return labels;
			}

		};
	}

}
