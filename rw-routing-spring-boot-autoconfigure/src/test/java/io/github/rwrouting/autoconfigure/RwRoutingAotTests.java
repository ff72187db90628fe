package io.github.rwrouting.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.InputStreamSource;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT processing of the auto-configuration: every bean definition, reader pools included,
 * can be written out as code (an instance supplier cannot), and the runtime hints are contributed.
 */
class RwRoutingAotTests {

	@Test
	void readerPoolsFromPropertiesAndFromDetailsAreProcessedAheadOfTime() {
		InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "AotApp")), files);
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test",
						Map.of("spring.datasource.url", "jdbc:postgresql://writer.example.com:5432/app",
								"rw-routing.readers.from-properties.url",
								"jdbc:postgresql://replica1.example.com:5432/app")));
			context.register(ReaderDetailsConfiguration.class, RwRoutingAutoConfiguration.class);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		}
		generation.writeGeneratedContent();
		String code = String.join("\n", sources(files).values());
		assertThat(code).contains("\"reader-from-propertiesDataSource\"")
			.contains("\"reader-from-detailsDataSource\"")
			.contains("\"rwRoutingReaderDataSources\"")
			.contains("createReader");
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(HikariDataSource.class, "setMaximumPoolSize"))
			.accepts(hints);
	}

	private static Map<String, String> sources(InMemoryGeneratedFiles files) {
		Map<String, InputStreamSource> generated = files.getGeneratedFiles(Kind.SOURCE);
		return generated.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, (entry) -> {
			try {
				return new String(entry.getValue().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}));
	}

	@Configuration(proxyBeanMethods = false)
	static class ReaderDetailsConfiguration {

		@Bean("from-details")
		ReaderConnectionDetails fromDetails() {
			return () -> "jdbc:postgresql://replica2.example.com:5432/app";
		}

	}

}
