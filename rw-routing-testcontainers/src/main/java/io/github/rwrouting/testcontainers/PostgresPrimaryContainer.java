package io.github.rwrouting.testcontainers;

import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * The primary of a replicated PostgreSQL in a container, on a network of its own that its
 * {@link PostgresReplicaContainer replicas} join. It is a Testcontainers {@code PostgreSQLContainer},
 * so Spring Boot's {@code @ServiceConnection} makes it the application's writer:
 * <pre>{@code
 * @Container
 * @ServiceConnection
 * static PostgresPrimaryContainer primary = new PostgresPrimaryContainer();
 *
 * @Container
 * @ReaderServiceConnection("replica1")
 * static PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");
 * }</pre>
 *
 * @author rw-routing
 */
public final class PostgresPrimaryContainer extends ReplicatedPostgresContainer {

	/**
	 * The primary's node name, and host name on its network.
	 */
	public static final String NODE_NAME = "primary";

	private final DockerImageName image;

	private final Network network;

	/**
	 * A primary running {@link PostgresImages#postgres()}.
	 */
	public PostgresPrimaryContainer() {
		this(PostgresImages.postgres());
	}

	/**
	 * A primary running the given image, which must be compatible with {@code postgres}.
	 * @param image the image
	 */
	public PostgresPrimaryContainer(DockerImageName image) {
		super(image, NODE_NAME);
		this.image = image;
		this.network = Network.newNetwork();
		withNetwork(this.network);
	}

	// Covariant returns, so that a primary configured in one expression is still a PostgresPrimaryContainer.

	@Override
	public PostgresPrimaryContainer withDatabaseName(String databaseName) {
		super.withDatabaseName(databaseName);
		return this;
	}

	@Override
	public PostgresPrimaryContainer withUsername(String username) {
		super.withUsername(username);
		return this;
	}

	@Override
	public PostgresPrimaryContainer withPassword(String password) {
		super.withPassword(password);
		return this;
	}

	/**
	 * The image, which replicas run unless told otherwise.
	 */
	DockerImageName image() {
		return this.image;
	}

	@Override
	public void stop() {
		super.stop();
		DockerControl.closeQuietly(this.network);
	}

}
