package io.github.rwrouting.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import org.jspecify.annotations.Nullable;

/**
 * A savepoint of a routed connection: the pooled connection's savepoint, replaced by the writer's
 * when a transaction moves there from a dead reader before its first statement, so that rolling
 * back to it or releasing it still works.
 *
 * @author rw-routing
 */
final class RoutedSavepoint implements Savepoint {

	private Savepoint target;

	private final @Nullable String name;

	RoutedSavepoint(Savepoint target, @Nullable String name) {
		this.target = target;
		this.name = name;
	}

	static Savepoint take(Connection connection, @Nullable String name) throws SQLException {
		return (name != null) ? connection.setSavepoint(name) : connection.setSavepoint();
	}

	static Savepoint target(Savepoint savepoint) {
		return (savepoint instanceof RoutedSavepoint routed) ? routed.target : savepoint;
	}

	void takeAgainOn(Connection connection) throws SQLException {
		this.target = take(connection, this.name);
	}

	@Override
	public int getSavepointId() throws SQLException {
		return this.target.getSavepointId();
	}

	@Override
	public String getSavepointName() throws SQLException {
		return this.target.getSavepointName();
	}

	@Override
	public String toString() {
		return "RoutedSavepoint[" + this.target + "]";
	}

}
