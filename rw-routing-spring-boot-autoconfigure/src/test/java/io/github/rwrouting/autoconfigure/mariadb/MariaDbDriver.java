package io.github.rwrouting.autoconfigure.mariadb;

import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.MariaDbNode;

/**
 * The JDBC drivers a MariaDB application may use, each with the URL flags that matter to
 * rw-routing, and the properties a user would write for a cluster with it: the writer on
 * {@code spring.datasource.*}, one reader per replica, named after it.
 */
enum MariaDbDriver {

	/**
	 * MariaDB Connector/J with {@code allowMultiQueries=true}: the commit position is read in the
	 * COMMIT's round trip.
	 */
	MARIADB_MULTI_QUERIES("jdbc:mariadb:", "?allowMultiQueries=true"),

	/**
	 * MariaDB Connector/J without URL flags: the commit position is read in a second round trip.
	 */
	MARIADB("jdbc:mariadb:", ""),

	/**
	 * MySQL Connector/J against MariaDB: {@code jdbc:mysql:} URLs need {@code rw-routing.dialect}
	 * until the dialect is detected from the server. Hibernate needs its dialect named: with the
	 * driver's default metadata it cannot read the database's metadata ({@code getSQLKeywords()} asks
	 * for {@code information_schema.KEYWORDS.RESERVED}, a MySQL column MariaDB does not have), and with
	 * {@code useInformationSchema=false} it takes the server for MySQL (see
	 * {@link MySqlConnectorJJpaWebRoutingIntegrationTests}).
	 */
	MYSQL("jdbc:mysql:", "?allowMultiQueries=true", "rw-routing.dialect=mariadb",
			"spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect");

	private final String scheme;

	private final String writerFlags;

	private final List<String> properties;

	MariaDbDriver(String scheme, String writerFlags, String... properties) {
		this.scheme = scheme;
		this.writerFlags = writerFlags;
		this.properties = List.of(properties);
	}

	String writerUrl(MariaDbNode node) {
		return url(node) + this.writerFlags;
	}

	String readerUrl(MariaDbNode node) {
		return url(node);
	}

	private String url(MariaDbNode node) {
		return node.jdbcUrl().replaceFirst("^jdbc:mariadb:", this.scheme);
	}

	/**
	 * The properties of an application on the cluster with this driver.
	 * @param cluster the cluster
	 * @param extra more properties, which win
	 * @return the properties as {@code name=value}
	 */
	String[] properties(MariaDbCluster cluster, String... extra) {
		List<String> properties = new ArrayList<>();
		properties.add("spring.datasource.url=" + writerUrl(cluster.primary()));
		properties.add("spring.datasource.username=" + cluster.username());
		properties.add("spring.datasource.password=" + cluster.password());
		properties.add("spring.datasource.hikari.maximum-pool-size=4");
		for (MariaDbNode replica : cluster.replicas()) {
			properties.add("rw-routing.readers." + replica.name() + ".url=" + readerUrl(replica));
		}
		properties.addAll(this.properties);
		properties.addAll(List.of(extra));
		return properties.toArray(new String[0]);
	}

	/**
	 * The node a server port belongs to, so that assertions read as node names.
	 */
	static String nodeName(MariaDbCluster cluster, int port) {
		return cluster.nodes()
			.stream()
			.filter((node) -> node.port() == port)
			.map(MariaDbNode::name)
			.findFirst()
			.orElse("unknown port " + port);
	}

}
