package io.github.rwrouting.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link RwRoutingConfigurationException} with the property at fault and the fix.
 *
 * @author rw-routing
 */
class RwRoutingConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RwRoutingConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RwRoutingConfigurationException cause) {
		return new FailureAnalysis("rw-routing is misconfigured: " + cause.getMessage() + " (property '"
				+ cause.getProperty() + "')", cause.getAction(), cause);
	}

}
