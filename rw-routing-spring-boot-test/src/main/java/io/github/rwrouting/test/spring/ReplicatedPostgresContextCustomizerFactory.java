package io.github.rwrouting.test.spring;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Creates the {@link ReplicatedPostgresContextCustomizer} for a test class annotated (or enclosed
 * by a class annotated) with {@link AutoConfigureReplicatedPostgres}.
 *
 * @author rw-routing
 */
class ReplicatedPostgresContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureReplicatedPostgres annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureReplicatedPostgres.class);
		return (annotation != null) ? new ReplicatedPostgresContextCustomizer(ClusterSettings.of(annotation)) : null;
	}

}
