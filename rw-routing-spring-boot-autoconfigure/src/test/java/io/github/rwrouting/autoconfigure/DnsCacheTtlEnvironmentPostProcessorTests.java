package io.github.rwrouting.autoconfigure;

import java.security.Security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DNS cache setting is JVM-wide: each test restores it.
 */
class DnsCacheTtlEnvironmentPostProcessorTests {

	private String saved;

	@BeforeEach
	void save() {
		this.saved = Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY);
	}

	@AfterEach
	void restore() {
		// Security has no "unset": an empty value is what an absent one reads as to the JDK's cache policy.
		Security.setProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY, (this.saved != null) ? this.saved : "");
	}

	@Test
	void setsAShortTtlWhenNoneIsSet() {
		Security.setProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY, "");
		assertThat(Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY)).isEmpty();
		run(new MockEnvironment());
		assertThat(Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY)).isEqualTo("5");
	}

	@Test
	void usesTheConfiguredTtl() {
		Security.setProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY, "");
		run(new MockEnvironment().withProperty("rw-routing.failover.dns-cache-ttl", "2s"));
		assertThat(Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY)).isEqualTo("2");
	}

	@Test
	void leavesAnExplicitSettingAlone() {
		Security.setProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY, "60");
		run(new MockEnvironment());
		assertThat(Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY)).isEqualTo("60");
	}

	@Test
	void doesNothingWhenRoutingIsOff() {
		Security.setProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY, "");
		run(new MockEnvironment().withProperty("rw-routing.enabled", "false"));
		assertThat(Security.getProperty(DnsCacheTtlEnvironmentPostProcessor.SECURITY_PROPERTY)).isEmpty();
	}

	private static void run(MockEnvironment environment) {
		new DnsCacheTtlEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
	}

}
