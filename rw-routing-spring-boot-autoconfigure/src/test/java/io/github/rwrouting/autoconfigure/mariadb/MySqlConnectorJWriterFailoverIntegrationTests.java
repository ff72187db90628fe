package io.github.rwrouting.autoconfigure.mariadb;

import io.github.rwrouting.test.MariaDbNode;

/**
 * The writer failover of {@link MariaDbWriterFailoverIntegrationTests} again with MySQL Connector/J
 * ({@code jdbc:mysql:} URLs with the recipe's flags and no {@code rw-routing.dialect}: the monitor asks
 * the server), on a cluster of its own.
 */
class MySqlConnectorJWriterFailoverIntegrationTests extends MariaDbWriterFailoverIntegrationTests {

	// MySQL Connector/J's connectTimeout and socketTimeout are in milliseconds, as MariaDB Connector/J's.
	@Override
	String writerUrl(int endpointPort) {
		return url(endpointPort) + "&allowMultiQueries=true&useLocalTransactionState=true&connectTimeout=2000"
				+ "&socketTimeout=5000";
	}

	@Override
	String readerUrl(MariaDbNode node) {
		return url(node.port());
	}

	@Override
	String driverName() {
		return "MySQL Connector/J";
	}

	private static String url(int port) {
		return "jdbc:mysql://" + MariaDbNode.HOST + ":" + port + "/" + cluster.database() + "?sslMode=DISABLED";
	}

}
