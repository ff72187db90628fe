package io.github.rwrouting.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.failover.AwsJdbcWrapperSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What rw-routing uses reflectively, for a native image (the JVM with {@code spring.aot.enabled}
 * needs none of it): the Hikari pools are bound to {@code spring.datasource.hikari.*} and
 * {@code rw-routing.readers.<name>.hikari.*} by the {@code Binder} (not through a
 * {@code @ConfigurationProperties} bean, so Spring Boot registers nothing for them), and Hikari
 * creates the AWS wrapper's exception override by name. Statements need no hint: they are plain classes.
 * {@code @ConfigurationProperties} classes are covered by Spring Boot itself.
 *
 * @author rw-routing
 */
class RwRoutingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(HikariDataSource.class).registerHints(hints, classLoader);
		hints.reflection()
			.registerTypeIfPresent(classLoader, AwsJdbcWrapperSettings.EXCEPTION_OVERRIDE,
					MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
	}

}
