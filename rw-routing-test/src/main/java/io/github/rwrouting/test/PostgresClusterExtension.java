package io.github.rwrouting.test;

import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link ReplicatedPostgres}: starts one {@link PostgresCluster} per
 * annotated test class, keeps it in that class's {@link ExtensionContext.Store} (which closes it when the class
 * is done) and resolves {@link PostgresCluster} parameters.
 */
public final class PostgresClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresClusterExtension.class);

    /** Created by JUnit. */
    public PostgresClusterExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Started here rather than on first use, so that start-up time is not charged to the first test.
        if (annotatedClassContext(context).isPresent()) {
            cluster(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    private static PostgresCluster cluster(ExtensionContext context) {
        ExtensionContext owner = annotatedClassContext(context).orElseThrow(() -> new ParameterResolutionException(
                "No @" + ReplicatedPostgres.class.getSimpleName() + " on " + context.getTestClass().orElse(null)
                        + " or an enclosing class"));
        ReplicatedPostgres config = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(),
                ReplicatedPostgres.class).orElseThrow();
        return owner.getStore(NAMESPACE).computeIfAbsent(owner.getRequiredTestClass(), key -> start(config),
                PostgresCluster.class);
    }

    /** The context of the innermost class carrying the annotation; nested classes share their outer cluster. */
    private static Optional<ExtensionContext> annotatedClassContext(ExtensionContext context) {
        for (ExtensionContext current = context; current != null; current = current.getParent().orElse(null)) {
            Optional<Class<?>> testClass = current.getTestClass();
            if (current.getTestMethod().isEmpty() && testClass.isPresent()
                    && AnnotationSupport.isAnnotated(testClass.get(), ReplicatedPostgres.class)) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }

    private static PostgresCluster start(ReplicatedPostgres config) {
        PostgresCluster.Builder builder = PostgresCluster.builder().replicas(config.replicas())
                .synchronousStandby(config.synchronousStandby()).database(config.database());
        for (String setting : config.settings()) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new ExtensionConfigurationException("@ReplicatedPostgres setting is not name=value: " + setting);
            }
            builder.setting(setting.substring(0, equals).strip(), setting.substring(equals + 1).strip());
        }
        return builder.start();
    }
}
