package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.autoconfigure.DataSourceAutoConfigurationImportListener.Imports;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when Spring Boot's {@code DataSourceAutoConfiguration} is imported too: routing replaces
 * the {@code DataSource} that auto-configuration would create, so an application that excludes it
 * (because it has no database, or builds its own) gets no routing pools either. Without an
 * auto-configuration import selector (auto-configurations registered one by one), it matches.
 *
 * @author rw-routing
 */
class OnDataSourceAutoConfigurationCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("rw-routing DataSourceAutoConfiguration");
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		Imports imports = (beanFactory != null) ? DataSourceAutoConfigurationImportListener.find(beanFactory) : null;
		if (imports == null) {
			return ConditionOutcome.match(message.because("no auto-configuration import selector ran"));
		}
		if (imports.imports(DataSourceAutoConfigurationImportListener.DATA_SOURCE_AUTO_CONFIGURATION)) {
			return ConditionOutcome.match(message.because("DataSourceAutoConfiguration is imported"));
		}
		return ConditionOutcome.noMatch(message.because("DataSourceAutoConfiguration is excluded or not imported"));
	}

}
