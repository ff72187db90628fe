package io.github.rwrouting.testcontainers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link ReaderServiceConnection @ReaderServiceConnection} fields of a test class, its
 * enclosing classes, interfaces and superclasses (where Spring Boot looks for {@code @ServiceConnection}
 * fields), and creates the {@link ReaderServiceConnectionContextCustomizer} that registers their readers.
 *
 * @author rw-routing
 */
class ReaderServiceConnectionContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		Map<String, JdbcDatabaseContainer<?>> readers = new LinkedHashMap<>();
		collectReaders(testClass, readers);
		return readers.isEmpty() ? null : new ReaderServiceConnectionContextCustomizer(readers);
	}

	private void collectReaders(@Nullable Class<?> candidate, Map<String, JdbcDatabaseContainer<?>> readers) {
		if (candidate == null || candidate == Object.class) {
			return;
		}
		ReflectionUtils.doWithLocalFields(candidate, (field) -> MergedAnnotations.from(field)
			.stream(ReaderServiceConnection.class)
			.forEach((annotation) -> addReader(field, annotation, readers)));
		if (TestContextAnnotationUtils.searchEnclosingClass(candidate)) {
			collectReaders(candidate.getEnclosingClass(), readers);
		}
		for (Class<?> implementedInterface : candidate.getInterfaces()) {
			collectReaders(implementedInterface, readers);
		}
		collectReaders(candidate.getSuperclass(), readers);
	}

	private void addReader(Field field, MergedAnnotation<ReaderServiceConnection> annotation,
			Map<String, JdbcDatabaseContainer<?>> readers) {
		String where = "@ReaderServiceConnection field '" + field.getName() + "' of "
				+ field.getDeclaringClass().getName();
		if (!Modifier.isStatic(field.getModifiers())) {
			throw new IllegalStateException(where + " must be static");
		}
		ReflectionUtils.makeAccessible(field);
		Object value = ReflectionUtils.getField(field, null);
		if (!(value instanceof JdbcDatabaseContainer<?> container)) {
			throw new IllegalStateException(where + " must be a " + JdbcDatabaseContainer.class.getName()
					+ ", not " + ((value != null) ? value.getClass().getName() : "null"));
		}
		String name = annotation.getString("value");
		JdbcDatabaseContainer<?> previous = readers.putIfAbsent(name, container);
		if (previous != null && previous != container) {
			throw new IllegalStateException(where + " names the reader '" + name
					+ "', already the reader of another container: give each reader its own name");
		}
	}

}
