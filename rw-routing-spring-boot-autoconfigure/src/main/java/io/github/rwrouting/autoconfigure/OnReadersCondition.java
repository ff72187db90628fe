package io.github.rwrouting.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one reader is configured, from any source. Without readers there is nothing
 * to route: Spring Boot's own pool stays as it is.
 * <p>
 * Each source of readers is one nested condition: {@code rw-routing.readers.*} properties, and
 * {@link ReaderConnectionDetails} beans (evaluated when beans are registered, after the
 * application's own configuration).
 *
 * @author rw-routing
 */
class OnReadersCondition extends AnyNestedCondition {

	OnReadersCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@Conditional(ReaderPropertiesCondition.class)
	static class ReaderProperties {

	}

	@ConditionalOnBean(ReaderConnectionDetails.class)
	static class ReaderBeans {

	}

	/**
	 * Matches when {@code rw-routing.readers.*} has at least one entry.
	 */
	static class ReaderPropertiesCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("rw-routing readers");
			boolean configured = Binder.get(context.getEnvironment())
				.bind("rw-routing.readers", Bindable.mapOf(String.class, Object.class))
				.map(Map::isEmpty)
				.map((empty) -> !empty)
				.orElse(false);
			return configured ? ConditionOutcome.match(message.found("property").items("rw-routing.readers.*"))
					: ConditionOutcome.noMatch(message.didNotFind("property").items("rw-routing.readers.*"));
		}

	}

}
