package io.github.rwrouting.failover;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ReaderConnections} closes the socket {@link ReaderSocketFactory} created for a connection
 * before aborting it: a read blocked on a server that never answers ends at once, whatever the
 * driver's abort does (here: nothing). A real TCP server on the loopback that accepts and stays
 * silent stands for the frozen node; the driver is a stub that opens one socket per connection.
 */
class ReaderConnectionsTests {

	@Test
	void abortAllClosesTheSocketOfAConnectionBlockedInARead() throws Exception {
		try (ServerSocket silentNode = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			StubDriver driver = new StubDriver(silentNode.getLocalPort());
			ReaderConnections connections = new ReaderConnections(driver);
			// Held, as the pool holds it: ReaderConnections keeps connections weakly.
			Connection connection = connections.getConnection();
			Socket socket = driver.socket.get();
			AtomicBoolean firstByteRead = new AtomicBoolean();
			CompletableFuture<Throwable> blockedRead = new CompletableFuture<>();
			Thread reader = new Thread(() -> {
				try (InputStream in = socket.getInputStream()) {
					in.read();
					firstByteRead.set(true);
					in.read();
					blockedRead.complete(null);
				}
				catch (IOException ex) {
					blockedRead.complete(ex);
				}
			}, "blocked-reader");
			reader.setDaemon(true);
			reader.start();
			try (Socket node = silentNode.accept()) {
				// The node answers once, then freezes: the reader is past getInputStream and its
				// first read, and then waits in a read of its own that only the abort can end.
				node.getOutputStream().write(1);
				node.getOutputStream().flush();
				await().atMost(Duration.ofSeconds(5))
					.until(() -> firstByteRead.get() && isWaitingInASocketRead(reader));
				assertThat(blockedRead).isNotDone();
				assertThat(connections.abortAll()).isEqualTo(1);
				assertThat(blockedRead.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
				await().atMost(Duration.ofSeconds(5)).until(connection::isClosed);
				assertThat(socket.isClosed()).isTrue();
			}
		}
	}

	// In the JDK's socket read (NioSocketImpl.read) and waiting in native code for data: blocked.
	private static boolean isWaitingInASocketRead(Thread thread) {
		StackTraceElement[] stack = thread.getStackTrace();
		return thread.getState() == Thread.State.RUNNABLE && stack.length > 0 && stack[0].isNativeMethod()
				&& Arrays.stream(stack)
					.anyMatch((frame) -> frame.getClassName().equals("sun.nio.ch.NioSocketImpl")
							&& frame.getMethodName().equals("read"));
	}

	@Test
	void socketsCreatedOutsideOpeningAConnectionAreNotRecorded() throws Exception {
		try (ServerSocket node = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			StubDriver driver = new StubDriver(node.getLocalPort());
			ReaderConnections connections = new ReaderConnections(driver);
			// Held, as the pool holds it: ReaderConnections keeps connections weakly.
			Connection connection = connections.getConnection();
			// The driver's own KILL connection, opened by the aborting thread: a plain socket.
			try (Socket other = new ReaderSocketFactory().createSocket()) {
				other.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort()));
				connections.abortAll();
				await().atMost(Duration.ofSeconds(5)).until(connection::isClosed);
				assertThat(driver.socket.get().isClosed()).isTrue();
				assertThat(other.isClosed()).isFalse();
			}
		}
	}

	/**
	 * Opens each connection's socket through a {@link ReaderSocketFactory}, as MariaDB Connector/J
	 * does with the {@code socketFactory} property; its connections' abort does nothing but say so.
	 */
	static final class StubDriver implements DataSource {

		private final int port;

		final AtomicReference<Socket> socket = new AtomicReference<>();

		final AtomicBoolean aborted = new AtomicBoolean();

		StubDriver(int port) {
			this.port = port;
		}

		@Override
		public Connection getConnection() throws SQLException {
			try {
				Socket opened = new ReaderSocketFactory().createSocket();
				opened.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
				this.socket.set(opened);
			}
			catch (IOException ex) {
				throw new SQLException(ex);
			}
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> switch (method.getName()) {
						case "isClosed" -> this.aborted.get();
						case "abort" -> {
							this.aborted.set(true);
							yield null;
						}
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == args[0];
						default -> throw new UnsupportedOperationException(method.getName());
					});
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		public PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(PrintWriter out) {
		}

		@Override
		public void setLoginTimeout(int seconds) {
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() {
			return Logger.getGlobal();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> type) {
			return false;
		}

	}

}
