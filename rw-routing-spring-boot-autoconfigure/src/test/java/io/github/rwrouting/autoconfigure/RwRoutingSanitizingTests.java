package io.github.rwrouting.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rw-routing's secrets are hidden by Actuator's {@code env} and {@code configprops} endpoints even
 * when they are told to show values ({@code show-values=always}). The endpoints are built as
 * Spring Boot builds them, with every {@link SanitizingFunction} bean.
 */
class RwRoutingSanitizingTests {

	private static final String SIGNING_KEY = "a-signing-key-that-is-long-enough-0123456789";

	private static final String READER_PASSWORD = "reader-password-42";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RwRoutingAutoConfiguration.class, RwRoutingSanitizingAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"rw-routing.readers.replica-1.url=jdbc:postgresql://127.0.0.1:2/app",
				"rw-routing.readers.replica-1.password=" + READER_PASSWORD,
				"rw-routing.consistency.signing-key=" + SIGNING_KEY, "rw-routing.monitor.enabled=false");

	@Test
	void theEnvEndpointHidesTheSecretsWhenToldToShowValues() {
		this.runner.run((context) -> {
			EnvironmentEndpoint endpoint = new EnvironmentEndpoint(context.getEnvironment(), functions(context),
					Show.ALWAYS);
			assertThat(endpoint.environmentEntry("rw-routing.consistency.signing-key").getProperty().getValue())
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(endpoint.environmentEntry("rw-routing.readers.replica-1.password").getProperty().getValue())
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(endpoint.environmentEntry("rw-routing.readers.replica-1.url").getProperty().getValue())
				.isEqualTo("jdbc:postgresql://127.0.0.1:2/app");
		});
	}

	@Test
	void theConfigpropsEndpointHidesTheSecretsWhenToldToShowValues() {
		this.runner.run((context) -> {
			ConfigurationPropertiesReportEndpoint endpoint = new ConfigurationPropertiesReportEndpoint(
					functions(context), Show.ALWAYS);
			endpoint.setApplicationContext(context);
			ConfigurationPropertiesBeanDescriptor routing = endpoint.configurationPropertiesWithPrefix("rw-routing")
				.getContexts()
				.values()
				.iterator()
				.next()
				.getBeans()
				.values()
				.iterator()
				.next();
			assertThat(routing.getProperties().toString()).doesNotContain(SIGNING_KEY)
				.doesNotContain(READER_PASSWORD)
				.contains("jdbc:postgresql://127.0.0.1:2/app");
			assertThat(routing.getInputs().toString()).doesNotContain(SIGNING_KEY).doesNotContain(READER_PASSWORD);
			Map<?, ?> consistency = (Map<?, ?>) routing.getProperties().get("consistency");
			assertThat(consistency.get("signingKey")).isEqualTo(SanitizableData.SANITIZED_VALUE);
		});
	}

	@Test
	void environmentVariableFormsAreSecretsToo() {
		MapPropertySource source = new MapPropertySource("env", Map.of());
		assertThat(RwRoutingSanitizingAutoConfiguration
			.isSecret(new SanitizableData(source, "RW_ROUTING_CONSISTENCY_SIGNINGKEY", "x"))).isTrue();
		assertThat(RwRoutingSanitizingAutoConfiguration
			.isSecret(new SanitizableData(source, "RW_ROUTING_READERS_REPLICA1_HIKARI_PASSWORD", "x"))).isTrue();
		assertThat(RwRoutingSanitizingAutoConfiguration
			.isSecret(new SanitizableData(source, "rw-routing.readers.replica-1.username", "x"))).isFalse();
		assertThat(RwRoutingSanitizingAutoConfiguration.isSecret(new SanitizableData(source, "server.port", "x")))
			.isFalse();
	}

	private static List<SanitizingFunction> functions(AssertableApplicationContext context) {
		return context.getBeanProvider(SanitizingFunction.class).orderedStream().toList();
	}

}
