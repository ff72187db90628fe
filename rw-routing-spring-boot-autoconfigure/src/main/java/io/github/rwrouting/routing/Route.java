package io.github.rwrouting.routing;

import javax.sql.DataSource;

import org.springframework.util.Assert;

/**
 * A place a transaction can run: the writer pool or one reader pool.
 *
 * @author rw-routing
 */
public final class Route {

	private final String name;

	private final Role role;

	private final DataSource dataSource;

	private Route(String name, Role role, DataSource dataSource) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(dataSource, "'dataSource' must not be null");
		this.name = name;
		this.role = role;
		this.dataSource = dataSource;
	}

	/**
	 * Create the writer route.
	 * @param name the route name, as shown in metrics and the route header
	 * @param dataSource the writer pool
	 * @return the route
	 */
	public static Route writer(String name, DataSource dataSource) {
		return new Route(name, Role.WRITER, dataSource);
	}

	/**
	 * Create a reader route.
	 * @param name the route name, as shown in metrics and the route header
	 * @param dataSource the reader pool
	 * @return the route
	 */
	public static Route reader(String name, DataSource dataSource) {
		return new Route(name, Role.READER, dataSource);
	}

	/**
	 * The route name: {@code writer} or {@code reader-<name>} for the auto-configured pools.
	 * @return the name
	 */
	public String name() {
		return this.name;
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
		return this.name;
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
