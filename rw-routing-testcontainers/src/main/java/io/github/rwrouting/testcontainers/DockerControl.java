package io.github.rwrouting.testcontainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * What the PostgreSQL and MariaDB node containers do to their container through Docker, the same way
 * for both: stop, kill, start again on the same host port, freeze and thaw, and remove the network.
 *
 * @author rw-routing
 */
final class DockerControl {

	private DockerControl() {
	}

	/**
	 * A free host port, picked once per node so that connection details handed to an application stay
	 * valid across a stop and a start.
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port for a database container", ex);
		}
	}

	/**
	 * {@code docker stop}: the server shuts down cleanly, the container and its data stay.
	 */
	static void stop(GenericContainer<?> container) {
		container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
	}

	/**
	 * {@code docker kill}: {@code SIGKILL} to every process, the container and its data stay.
	 */
	static void kill(GenericContainer<?> container) {
		container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
	}

	/**
	 * {@code docker start} of a stopped or killed container, then waits until {@code connect} gives a
	 * valid connection.
	 */
	static void start(GenericContainer<?> container, ConnectionSource connect, Duration timeout, String nodeName) {
		container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
		Await.until(() -> {
			try (Connection connection = connect.connect()) {
				return connection.isValid(1);
			}
		}, timeout, nodeName + " accepts connections again");
	}

	/**
	 * {@code docker pause}: every process stopped, connections open and unanswered.
	 */
	static void freeze(GenericContainer<?> container) {
		container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
	}

	/**
	 * {@code docker unpause}.
	 */
	static void thaw(GenericContainer<?> container) {
		container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
	}

	/**
	 * Removes a primary's network after the primary stopped.
	 */
	static void closeQuietly(Network network) {
		try {
			network.close();
		}
		catch (RuntimeException ex) {
			// A replica still attached keeps the network; Docker removes it with the last container's owner
			// (Ryuk) or a later prune. Nothing a test can act on.
		}
	}

	@FunctionalInterface
	interface ConnectionSource {

		Connection connect() throws Exception;

	}

}
