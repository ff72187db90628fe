package io.github.rwrouting.autoconfigure;

/**
 * Thrown at startup when rw-routing is misconfigured; {@link RwRoutingConfigurationFailureAnalyzer}
 * turns it into a report that names the property and the fix.
 *
 * @author rw-routing
 */
public class RwRoutingConfigurationException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * Create an exception.
	 * @param property the property at fault
	 * @param description what is wrong
	 * @param action how to fix it
	 */
	public RwRoutingConfigurationException(String property, String description, String action) {
		super(description);
		this.property = property;
		this.action = action;
	}

	/**
	 * The property at fault.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * How to fix it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
