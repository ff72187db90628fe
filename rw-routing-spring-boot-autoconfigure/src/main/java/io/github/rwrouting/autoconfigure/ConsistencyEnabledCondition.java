package io.github.rwrouting.autoconfigure;

import io.github.rwrouting.consistency.ConsistencyMode;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code rw-routing.consistency.mode} is {@code none}.
 *
 * @author rw-routing
 */
class ConsistencyEnabledCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConsistencyMode mode = Binder.get(context.getEnvironment())
			.bind("rw-routing.consistency.mode", ConsistencyMode.class)
			.orElseGet(() -> new RwRoutingProperties.Consistency().getMode());
		ConditionMessage.Builder message = ConditionMessage.forCondition("rw-routing consistency");
		return (mode != ConsistencyMode.NONE) ? ConditionOutcome.match(message.because("mode is " + mode))
				: ConditionOutcome.noMatch(message.because("mode is none"));
	}

}
