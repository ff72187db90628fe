package io.github.rwrouting.testcontainers;

import java.util.concurrent.atomic.AtomicInteger;

import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * The primary of a GTID-replicated MariaDB in a container ({@code server_id} 1), on a network of its
 * own that its {@link MariaDbReplicaContainer replicas} join. It is a Testcontainers
 * {@code MariaDBContainer}, so Spring Boot's {@code @ServiceConnection} makes it the application's writer:
 * <pre>{@code
 * @Container
 * @ServiceConnection
 * static MariaDbPrimaryContainer primary = new MariaDbPrimaryContainer();
 *
 * @Container
 * @ReaderServiceConnection("replica1")
 * static MariaDbReplicaContainer replica1 = new MariaDbReplicaContainer(primary, "replica1");
 * }</pre>
 * Its JDBC URL has {@code allowMultiQueries=true}, so that rw-routing reads a writing transaction's GTID
 * in the same round trip as its {@code COMMIT}.
 *
 * @author rw-routing
 */
public final class MariaDbPrimaryContainer extends ReplicatedMariaDbContainer {

	/**
	 * The primary's node name, and host name on its network.
	 */
	public static final String NODE_NAME = "primary";

	private final DockerImageName image;

	private final Network network;

	// server_id 1 is the primary's; replicas take the next ones as they are created.
	private final AtomicInteger lastServerId = new AtomicInteger(1);

	/**
	 * A primary running {@link MariaDbImages#mariadb()}.
	 */
	public MariaDbPrimaryContainer() {
		this(MariaDbImages.mariadb());
	}

	/**
	 * A primary running the given image, which must be compatible with {@code mariadb}.
	 * @param image the image
	 */
	public MariaDbPrimaryContainer(DockerImageName image) {
		super(image, NODE_NAME, 1);
		this.image = image;
		this.network = Network.newNetwork();
		withNetwork(this.network);
		withUrlParam("allowMultiQueries", "true");
	}

	// Covariant returns, so that a primary configured in one expression is still a MariaDbPrimaryContainer.

	@Override
	public MariaDbPrimaryContainer withDatabaseName(String databaseName) {
		super.withDatabaseName(databaseName);
		return this;
	}

	@Override
	public MariaDbPrimaryContainer withUsername(String username) {
		super.withUsername(username);
		return this;
	}

	@Override
	public MariaDbPrimaryContainer withPassword(String password) {
		super.withPassword(password);
		return this;
	}

	/**
	 * The image, which replicas run unless told otherwise.
	 */
	DockerImageName image() {
		return this.image;
	}

	/**
	 * The {@code server_id} of the next replica.
	 */
	int nextServerId() {
		return this.lastServerId.incrementAndGet();
	}

	@Override
	public void stop() {
		super.stop();
		DockerControl.closeQuietly(this.network);
	}

}
