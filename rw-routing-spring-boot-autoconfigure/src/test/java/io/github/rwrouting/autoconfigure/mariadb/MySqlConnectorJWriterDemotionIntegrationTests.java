package io.github.rwrouting.autoconfigure.mariadb;

/**
 * The tests of {@link MariaDbWriterDemotionIntegrationTests} on a cluster of their own, where the
 * primary made read-only while a replica is promoted is reached through MySQL Connector/J (the
 * parameterized tests run with both drivers again).
 */
class MySqlConnectorJWriterDemotionIntegrationTests extends MariaDbWriterDemotionIntegrationTests {

	@Override
	String driver() {
		return "mysql";
	}

}
