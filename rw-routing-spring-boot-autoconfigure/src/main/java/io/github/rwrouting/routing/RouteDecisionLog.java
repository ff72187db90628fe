package io.github.rwrouting.routing;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Logs every routing decision at DEBUG under {@value #LOGGER_NAME}: which pool a connection went to,
 * why, and for which transaction. Answers "where did my query go". When DEBUG is off it costs one
 * level check per decision.
 *
 * @author rw-routing
 */
public class RouteDecisionLog implements RouteListener {

	/**
	 * The logger name.
	 */
	public static final String LOGGER_NAME = "io.github.rwrouting.routing.decisions";

	private static final Log logger = LogFactory.getLog(LOGGER_NAME);

	@Override
	public void routed(RouteDecision decision) {
		if (logger.isDebugEnabled()) {
			logger.debug(message(decision));
		}
	}

	private static String message(RouteDecision decision) {
		StringBuilder message = new StringBuilder("routed to ").append(decision.route().poolName())
			.append(" reason=")
			.append(decision.reason().tagValue());
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			String name = TransactionSynchronizationManager.getCurrentTransactionName();
			message.append(TransactionSynchronizationManager.isCurrentTransactionReadOnly() ? " read-only" : " read-write")
				.append(" transaction");
			if (name != null) {
				message.append(' ').append(name);
			}
		}
		else {
			message.append(" outside a transaction");
		}
		if (WriterRouting.isActive()) {
			message.append(" in a writer scope");
		}
		return message.toString();
	}

}
