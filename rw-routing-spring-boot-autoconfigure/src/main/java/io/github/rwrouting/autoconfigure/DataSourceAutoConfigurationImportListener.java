package io.github.rwrouting.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationImportEvent;
import org.springframework.boot.autoconfigure.AutoConfigurationImportListener;

/**
 * Records, for {@link OnDataSourceAutoConfigurationCondition}, whether Spring Boot's
 * {@code DataSourceAutoConfiguration} is among the auto-configurations being imported. Spring Boot
 * removes excluded auto-configurations ({@code @SpringBootApplication(exclude = ...)},
 * {@code spring.autoconfigure.exclude}) from the import list before anything is evaluated, so a
 * condition cannot see an exclusion any other way; the import selector tells its listeners, as it
 * tells Spring Boot's own condition evaluation report.
 *
 * @author rw-routing
 */
class DataSourceAutoConfigurationImportListener implements AutoConfigurationImportListener, BeanFactoryAware {

	static final String DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private static final String BEAN_NAME = "io.github.rwrouting.autoconfigure.autoConfigurationImports";

	private ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void onAutoConfigurationImportEvent(AutoConfigurationImportEvent event) {
		if (this.beanFactory == null) {
			return;
		}
		// Import events come from configuration class parsing, on the thread that refreshes the context.
		Imports imports = find(this.beanFactory);
		if (imports == null) {
			imports = new Imports();
			this.beanFactory.registerSingleton(BEAN_NAME, imports);
		}
		imports.record(event);
	}

	/**
	 * The imports recorded for a bean factory.
	 * @param beanFactory the bean factory
	 * @return the imports, or {@code null} when no auto-configuration import selector ran (auto-configurations
	 * registered directly, as in {@code ApplicationContextRunner} tests)
	 */
	static Imports find(ConfigurableListableBeanFactory beanFactory) {
		return beanFactory.containsSingleton(BEAN_NAME) ? (Imports) beanFactory.getSingleton(BEAN_NAME) : null;
	}

	/**
	 * Auto-configurations named by the import selectors of one context. Spring Boot's import group
	 * removes every selector's exclusions from every selector's candidates, so this does too.
	 */
	static final class Imports {

		private final Set<String> candidates = new HashSet<>();

		private final Set<String> exclusions = new HashSet<>();

		void record(AutoConfigurationImportEvent event) {
			this.candidates.addAll(event.getCandidateConfigurations());
			this.exclusions.addAll(event.getExclusions());
		}

		boolean imports(String autoConfiguration) {
			return this.candidates.contains(autoConfiguration) && !this.exclusions.contains(autoConfiguration);
		}

	}

}
