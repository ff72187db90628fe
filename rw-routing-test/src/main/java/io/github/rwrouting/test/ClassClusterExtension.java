package io.github.rwrouting.test;

import java.lang.annotation.Annotation;
import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What the cluster extensions share: one cluster per class annotated with {@code A}, started before its tests,
 * kept in that class's {@link ExtensionContext.Store} (which closes it when the class is done) and resolved for
 * parameters of type {@code C}. Nested classes share their outer class's cluster.
 */
abstract class ClassClusterExtension<A extends Annotation, C extends AutoCloseable>
        implements BeforeAllCallback, ParameterResolver {

    private final Class<A> annotation;
    private final Class<C> clusterType;
    private final ExtensionContext.Namespace namespace;

    ClassClusterExtension(Class<A> annotation, Class<C> clusterType) {
        this.annotation = annotation;
        this.clusterType = clusterType;
        this.namespace = ExtensionContext.Namespace.create(getClass());
    }

    /** Starts the cluster the annotation describes. */
    abstract C start(A config);

    @Override
    public void beforeAll(ExtensionContext context) {
        // Started here rather than on first use, so that start-up time is not charged to the first test.
        if (annotatedClassContext(context).isPresent()) {
            cluster(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == clusterType;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    /** Splits {@code name=value} settings of an annotation. */
    static String[] nameAndValue(String setting, Class<? extends Annotation> annotation) {
        int equals = setting.indexOf('=');
        if (equals <= 0) {
            throw new ExtensionConfigurationException("@" + annotation.getSimpleName() + " setting is not name=value: "
                    + setting);
        }
        return new String[] {setting.substring(0, equals).strip(), setting.substring(equals + 1).strip()};
    }

    private C cluster(ExtensionContext context) {
        ExtensionContext owner = annotatedClassContext(context).orElseThrow(() -> new ParameterResolutionException(
                "No @" + annotation.getSimpleName() + " on " + context.getTestClass().orElse(null)
                        + " or an enclosing class"));
        A config = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(), annotation).orElseThrow();
        return owner.getStore(namespace).computeIfAbsent(owner.getRequiredTestClass(), key -> start(config),
                clusterType);
    }

    /** The context of the innermost class carrying the annotation. */
    private Optional<ExtensionContext> annotatedClassContext(ExtensionContext context) {
        for (ExtensionContext current = context; current != null; current = current.getParent().orElse(null)) {
            Optional<Class<?>> testClass = current.getTestClass();
            if (current.getTestMethod().isEmpty() && testClass.isPresent()
                    && AnnotationSupport.isAnnotated(testClass.get(), annotation)) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }
}
