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

	private static final Map<String, String> READER_LABEL = Map
		.of("org.springframework.boot.service-connection", "rw-routing-reader");

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
	void aServiceWithMariaDbEnvironmentIsAMariaDbReader() {
		publish(service("replica-1", "rw-routing/mariadb:11.4", READER_LABEL, Map.of("MARIADB_USER", "app",
				"MARIADB_PASSWORD", "secret", "MARIADB_ROOT_PASSWORD", "root-secret", "MARIADB_DATABASE", "orders")));
		assertThat(readerNames()).containsExactly("replica-1");
		this.context.refresh();
		ReaderConnectionDetails details = this.context.getBean("replica-1", ReaderConnectionDetails.class);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:49154/orders");
		assertThat(details.getUsername()).isEqualTo("app");
		assertThat(details.getPassword()).isEqualTo("secret");
		assertThat(details.getDriverClassName()).isEqualTo("org.mariadb.jdbc.Driver");
	}

	@Test
	void aMariaDbImageWithMysqlEnvironmentIsAMariaDbReaderAsRootByDefault() {
		// As Spring Boot's MariaDbEnvironment: no *_USER is root, with the root password.
		publish(service("replica-1", "mariadb:11.4", READER_LABEL,
				Map.of("MYSQL_ROOT_PASSWORD", "root-secret", "MYSQL_DATABASE", "orders")));
		this.context.refresh();
		ReaderConnectionDetails details = this.context.getBean("replica-1", ReaderConnectionDetails.class);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:49154/orders");
		assertThat(details.getUsername()).isEqualTo("root");
		assertThat(details.getPassword()).isEqualTo("root-secret");
	}

	@Test
	void aMariaDbImageAllowingAnEmptyPasswordHasAnEmptyPassword() {
		// The variable Spring Boot's MariaDbEnvironment reads (not the image's *_ALLOW_EMPTY_ROOT_PASSWORD).
		publish(service("replica-1", "mariadb:11.4", READER_LABEL,
				Map.of("MARIADB_ALLOW_EMPTY_PASSWORD", "1", "MARIADB_DATABASE", "orders")));
		this.context.refresh();
		assertThat(this.context.getBean("replica-1", ReaderConnectionDetails.class).getPassword()).isEmpty();
	}

	@Test
	void aMariaDbReaderWithoutDatabaseFailsNamingTheServiceAndTheVariable() {
		assertThatIllegalStateException()
			.isThrownBy(() -> publish(service("replica-1", "mariadb:11.4", READER_LABEL,
					Map.of("MARIADB_ROOT_PASSWORD", "secret"))))
			.withMessageContaining("Docker Compose service 'replica-1' (container 'app-replica-1-1'")
			.withMessageContaining("no MARIADB_DATABASE");
		assertThat(readerNames()).isEmpty();
	}

	@Test
	void aMariaDbReaderWithoutPasswordFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> publish(service("replica-1", "mariadb:11.4", READER_LABEL,
					Map.of("MARIADB_USER", "app", "MARIADB_DATABASE", "orders"))))
			.withMessageContaining("'replica-1'")
			.withMessageContaining("no MariaDB password: set MARIADB_PASSWORD or MARIADB_ROOT_PASSWORD");
	}

	@Test
	void aMariaDbReaderWithARandomRootPasswordFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> publish(service("replica-1", "mariadb:11.4", READER_LABEL,
					Map.of("MARIADB_RANDOM_ROOT_PASSWORD", "yes", "MARIADB_DATABASE", "orders"))))
			.withMessageContaining("MARIADB_RANDOM_ROOT_PASSWORD is not supported");
	}

	@Test
	void anUnrecognisedReaderServiceFailsNamingTheServiceAndWhatIsExpected() {
		assertThatIllegalStateException()
			.isThrownBy(() -> publish(service("replica-1", "redis:7", READER_LABEL, Map.of("REDIS_PASSWORD", "x"))))
			.withMessageContaining("Docker Compose service 'replica-1' (container 'app-replica-1-1', image '")
			.withMessageContaining("redis")
			.withMessageContaining("neither a PostgreSQL nor a MariaDB service")
			.withMessageContaining("POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB")
			.withMessageContaining("an image whose name contains 'mariadb', or MARIADB_USER, MARIADB_PASSWORD and "
					+ "MARIADB_DATABASE")
			.withMessageContaining("rw-routing.readers.<name>.url");
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
		return service(name, "rw-routing/postgres:15", serviceLabels, env);
	}

	private static RunningService service(String name, String image, Map<String, String> serviceLabels,
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
				return ImageReference.of(image);
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
						return switch (containerPort) {
							case 5432 -> 49153;
							case 3306 -> 49154;
							default -> -1;
						};
					}

					@Override
					public List<Integer> getAll() {
						return List.of(49153, 49154);
					}

					@Override
					public List<Integer> getAll(@Nullable String protocol) {
						return List.of(49153, 49154);
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
