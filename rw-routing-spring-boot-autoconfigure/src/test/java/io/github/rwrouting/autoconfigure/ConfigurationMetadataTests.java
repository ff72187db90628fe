package io.github.rwrouting.autoconfigure;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property has a description in the configuration metadata, for IDE completion.
 */
class ConfigurationMetadataTests {

	@Test
	@SuppressWarnings("unchecked")
	void everyPropertyIsDescribed() throws Exception {
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(json).isNotNull();
			Map<String, Object> metadata = new ObjectMapper().readValue(json, Map.class);
			List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
			assertThat(properties).extracting((property) -> property.get("name"))
				.contains("rw-routing.enabled", "rw-routing.readers", "rw-routing.max-lag",
						"rw-routing.consistency.mode", "rw-routing.monitor.interval",
						"rw-routing.failover.retry.max-retries", "rw-routing.web.route-header");
			assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
				.as("description of %s", property.get("name"))
				.isNotBlank());
		}
	}

}
