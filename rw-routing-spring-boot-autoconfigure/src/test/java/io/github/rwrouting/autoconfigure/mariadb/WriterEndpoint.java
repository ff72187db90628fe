package io.github.rwrouting.autoconfigure.mariadb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A writer endpoint that can move, like a cluster endpoint's DNS name after a failover: a TCP
 * forwarder on a port picked free at run time that sends each new connection to the node it points
 * at now. Connections opened before a move stay on the node they reached, as they do when DNS moves.
 */
final class WriterEndpoint implements AutoCloseable {

	private final ServerSocket server;

	private volatile int targetPort;

	WriterEndpoint(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "writer-endpoint-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Send new connections to another node.
	 */
	void moveTo(int port) {
		this.targetPort = port;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket node = new Socket();
				try {
					node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 2000);
				}
				catch (IOException ex) {
					client.close();
					node.close();
					continue;
				}
				pump(client, node);
				pump(node, client);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private static void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				for (int read; (read = in.read(buffer)) >= 0;) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side went away
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "writer-endpoint-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

}
