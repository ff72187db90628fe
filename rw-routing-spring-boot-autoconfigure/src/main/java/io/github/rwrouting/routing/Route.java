package io.github.rwrouting.routing;

import javax.sql.DataSource;

import io.github.rwrouting.topology.NodeState;

import org.springframework.util.Assert;

/**
 * A place a transaction can run: the writer pool or one reader pool.
 *
 * @author rw-routing
 */
public final class Route {

	/**
	 * The name of the writer route.
	 */
	public static final String WRITER_NAME = "writer";

	private final String name;

	private final String poolName;

	private final Role role;

	private final NodeState node;

	private final DataSource dataSource;

	private Route(String poolName, DataSource dataSource, NodeState node) {
		Assert.hasText(poolName, "'poolName' must not be empty");
		Assert.notNull(dataSource, "'dataSource' must not be null");
		this.name = node.name();
		this.poolName = poolName;
		this.role = node.isWriter() ? Role.WRITER : Role.READER;
		this.dataSource = dataSource;
		this.node = node;
	}

	/**
	 * Create the writer route.
	 * @param poolName the name of the writer pool, as shown by the route header
	 * @param dataSource the writer pool
	 * @return the route
	 */
	public static Route writer(String poolName, DataSource dataSource) {
		return new Route(poolName, dataSource, NodeState.writer(WRITER_NAME));
	}

	/**
	 * Create a route to a node of a cluster state.
	 * @param poolName the name of the pool, as shown by the route header
	 * @param dataSource the pool
	 * @param node the node the pool reaches, as the cluster state knows it
	 * @return the route
	 */
	public static Route to(String poolName, DataSource dataSource, NodeState node) {
		return new Route(poolName, dataSource, node);
	}

	/**
	 * Create a reader route.
	 * @param name the reader name, as configured and as shown in metrics
	 * @param poolName the name of the reader's pool, as shown by the route header
	 * @param dataSource the reader pool
	 * @return the route
	 */
	public static Route reader(String name, String poolName, DataSource dataSource) {
		return reader(name, poolName, dataSource, true);
	}

	/**
	 * Create a reader route.
	 * @param name the reader name, as configured and as shown in metrics
	 * @param poolName the name of the reader's pool, as shown by the route header
	 * @param dataSource the reader pool
	 * @param singleNode whether every connection of the pool reaches the node the monitor watches
	 * @return the route
	 */
	public static Route reader(String name, String poolName, DataSource dataSource, boolean singleNode) {
		return new Route(poolName, dataSource, NodeState.reader(name, singleNode));
	}

	/**
	 * The route name: {@code writer}, or the reader's configured name. Metrics tag routes with it.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The name of the pool behind the route, for example {@code reader-replica1}.
	 * @return the pool name
	 */
	public String poolName() {
		return this.poolName;
	}

	/**
	 * The state of the node behind this route: whether it may serve reads right now, its lag and
	 * replay position, as the replica monitor last saw them. Always available when nothing monitors
	 * it.
	 * @return the node's state
	 */
	public NodeState node() {
		return this.node;
	}

	/**
	 * Whether this route leads to the writer or to a reader.
	 * @return the role
	 */
	public Role role() {
		return this.role;
	}

	/**
	 * Whether this route leads to a reader.
	 * @return {@code true} for a reader route
	 */
	public boolean isReader() {
		return this.role == Role.READER;
	}

	/**
	 * The pool behind this route.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public String toString() {
		return this.poolName;
	}

	/**
	 * What a route leads to.
	 */
	public enum Role {

		/**
		 * The primary, or the cluster (writer) endpoint.
		 */
		WRITER,

		/**
		 * A replica, or the reader endpoint.
		 */
		READER

	}

}
