package io.github.rwrouting.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import io.github.rwrouting.autoconfigure.RwRoutingProperties.Reader;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Where readers come from: {@code rw-routing.readers.<name>.*} properties and
 * {@link ReaderConnectionDetails} beans (named after the reader). The one place that answers "which
 * readers are there", from the environment and bean definitions only, so that it can run while bean
 * definitions are registered (and in conditions) without creating any bean.
 *
 * @author rw-routing
 */
final class ReaderSources {

	static final String PROPERTIES_PREFIX = "rw-routing.readers";

	private ReaderSources() {
	}

	/**
	 * Every reader name: those of the properties first, in their order, then those of the
	 * {@link ReaderConnectionDetails} beans.
	 * @param environment the environment holding {@code rw-routing.readers.*}
	 * @param beanFactory the bean factory holding the bean definitions
	 * @return the reader names
	 */
	static Set<String> names(Environment environment, ListableBeanFactory beanFactory) {
		Set<String> names = new LinkedHashSet<>(fromProperties(environment));
		names.addAll(fromConnectionDetails(beanFactory));
		return names;
	}

	/**
	 * Whether any reader is configured, by properties or by a {@link ReaderConnectionDetails} bean.
	 * @param environment the environment holding {@code rw-routing.readers.*}
	 * @param beanFactory the bean factory holding the bean definitions
	 * @return whether there is a reader
	 */
	static boolean any(Environment environment, ListableBeanFactory beanFactory) {
		return !fromProperties(environment).isEmpty() || !fromConnectionDetails(beanFactory).isEmpty();
	}

	/**
	 * A reader's connection from its {@link ReaderConnectionDetails}, in the shape of its properties:
	 * the details win over {@code rw-routing.readers.<name>.url}, {@code username}, {@code password}
	 * and {@code driver-class-name}; a {@code null} username or password stays the writer's.
	 */
	static Reader connectionOf(ReaderConnectionDetails details) {
		Reader connection = new Reader();
		connection.setUrl(details.getJdbcUrl());
		connection.setUsername(details.getUsername());
		connection.setPassword(details.getPassword());
		connection.setDriverClassName(details.getDriverClassName());
		return connection;
	}

	static Set<String> fromProperties(Environment environment) {
		return Binder.get(environment)
			.bind(PROPERTIES_PREFIX, Bindable.mapOf(String.class, Object.class))
			.map((readers) -> (Set<String>) new LinkedHashSet<>(readers.keySet()))
			.orElseGet(Set::of);
	}

	/**
	 * The names of the {@link ReaderConnectionDetails} beans, from their definitions: no bean is
	 * created (allowEagerInit false, as Spring Boot's bean conditions do).
	 */
	static Set<String> fromConnectionDetails(ListableBeanFactory beanFactory) {
		return new LinkedHashSet<>(
				Arrays.asList(beanFactory.getBeanNamesForType(ReaderConnectionDetails.class, true, false)));
	}

}
