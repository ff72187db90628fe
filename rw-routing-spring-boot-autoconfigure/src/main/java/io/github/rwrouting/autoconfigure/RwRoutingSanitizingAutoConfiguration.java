package io.github.rwrouting.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Hides rw-routing's secrets ({@code rw-routing.consistency.signing-key} and every password under
 * {@code rw-routing.readers.*}) in the {@code env} and {@code configprops} endpoints, whatever
 * {@code management.endpoint.*.show-values} says. Spring Boot applies sanitizing functions to the
 * values it would otherwise show. On even when routing backs off: the properties may still be set.
 *
 * @author rw-routing
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class RwRoutingSanitizingAutoConfiguration {

	@Bean
	SanitizingFunction rwRoutingSecretsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifMatches(RwRoutingSanitizingAutoConfiguration::isSecret);
	}

	/**
	 * Whether a key names an rw-routing secret, in any of the forms the endpoints show: property
	 * names ({@code rw-routing.readers.a.password}), bean property paths
	 * ({@code rw-routing.consistency.signingKey}) and environment variables
	 * ({@code RW_ROUTING_READERS_A_PASSWORD}).
	 */
	static boolean isSecret(SanitizableData data) {
		String key = data.getKey();
		if (key == null) {
			return false;
		}
		String normalized = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
		return normalized.equals("rwroutingconsistencysigningkey")
				|| (normalized.startsWith("rwroutingreaders") && normalized.endsWith("password"));
	}

}
