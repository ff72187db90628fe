package io.github.rwrouting.failover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.SocketFactory;

import org.jspecify.annotations.Nullable;

/**
 * The socket factory of MariaDB Connector/J reader connections ({@code socketFactory} connection
 * property): plain sockets, handed to {@link ReaderConnections} so that it can close the socket of
 * a connection blocked on a frozen node.
 * <p>
 * The driver's own {@code abort} cannot end a read blocked on a frozen node on Java 17: it first
 * tries to connect to the node to {@code KILL} the query (up to its {@code connectTimeout}), then
 * drains the socket before closing it, and that drain waits for the socket's read lock, held by
 * the blocked read until the node answers again (Java 17 takes that lock without a timeout; Java
 * 25 takes it within the socket timeout, so the drain gives up after its 3 ms). Closing the socket
 * directly ends the read at once.
 * <p>
 * The driver instantiates this class by name for each connection it opens; only connections
 * opened by {@link ReaderConnections} record their socket, other sockets (the driver's own
 * {@code KILL} connection) are plain sockets.
 *
 * @author rw-routing
 */
public final class ReaderSocketFactory extends SocketFactory {

	private static final ThreadLocal<AtomicReference<@Nullable Socket>> OPENING = new ThreadLocal<>();

	/**
	 * Create a factory: the driver calls this for each connection it opens.
	 */
	public ReaderSocketFactory() {
	}

	/**
	 * Record the socket this thread's driver creates while connecting, in {@code socket}.
	 * @param socket where to record it
	 */
	static void recordOn(AtomicReference<@Nullable Socket> socket) {
		OPENING.set(socket);
	}

	/**
	 * Stop recording on this thread.
	 */
	static void stopRecording() {
		OPENING.remove();
	}

	private static Socket recorded(Socket socket) {
		AtomicReference<@Nullable Socket> opening = OPENING.get();
		if (opening != null) {
			opening.set(socket);
		}
		return socket;
	}

	@Override
	public Socket createSocket() {
		return recorded(new Socket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return recorded(new Socket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return recorded(new Socket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return recorded(new Socket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return recorded(new Socket(address, port, localAddress, localPort));
	}

}
