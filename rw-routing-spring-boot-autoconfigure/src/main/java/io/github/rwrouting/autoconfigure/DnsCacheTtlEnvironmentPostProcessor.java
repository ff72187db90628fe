package io.github.rwrouting.autoconfigure;

import java.security.Security;
import java.time.Duration;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Lowers the JVM's DNS cache time-to-live as early as a Spring Boot application can, before the
 * first connection resolves a host: after a failover the cluster endpoint points to the new primary
 * within seconds (Aurora's record has a 5 s TTL), but a JVM that caches the old address keeps
 * connecting to the demoted node. Leaves the setting alone when it was made explicitly.
 *
 * @author rw-routing
 */
class DnsCacheTtlEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String SECURITY_PROPERTY = "networkaddress.cache.ttl";

	static final String LEGACY_SYSTEM_PROPERTY = "sun.net.inetaddr.ttl";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		boolean enabled = binder.bind("rw-routing.enabled", Boolean.class).orElse(true);
		Duration ttl = binder.bind("rw-routing.failover.dns-cache-ttl", Duration.class).orElseGet(() -> new RwRoutingProperties.Failover().getDnsCacheTtl());
		if (!enabled || ttl.isNegative() || isSet(Security.getProperty(SECURITY_PROPERTY))
				|| isSet(System.getProperty(LEGACY_SYSTEM_PROPERTY))) {
			return;
		}
		Security.setProperty(SECURITY_PROPERTY, Long.toString(ttl.toSeconds()));
	}

	private static boolean isSet(String value) {
		return value != null && !value.isBlank();
	}

}
