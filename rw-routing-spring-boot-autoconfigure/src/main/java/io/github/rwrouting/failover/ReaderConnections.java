package io.github.rwrouting.failover;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The data source a reader pool opens its physical connections with. It remembers them, so that
 * when the replica monitor finds the reader frozen or dead every one of them can be aborted: a read
 * blocked on the reader's socket then fails at once (and moves to the writer when nothing ran yet)
 * instead of waiting until the operating system gives up on the connection. When the connection
 * was opened through {@link ReaderSocketFactory} (MariaDB Connector/J), its socket is closed first,
 * since the driver's abort alone does not end a read blocked on a frozen node. Only opening a
 * connection, which the pool does rarely, takes a lock; borrowing from the pool does not involve
 * this class.
 *
 * @author rw-routing
 */
public final class ReaderConnections implements DataSource {

	private static final Log logger = LogFactory.getLog(ReaderConnections.class);

	// Direct: the driver's own follow-up work, if any, runs in the aborting thread.
	private static final Executor ABORT_EXECUTOR = Runnable::run;

	private final DataSource driver;

	// Each abort runs on a thread of its own, in parallel: aborting a PostgreSQL connection only
	// closes its socket, but MariaDB Connector/J first connects to the node to KILL a running query,
	// which on a frozen node blocks for the connect timeout before the socket is closed. Threads are
	// started only when a node is found frozen or dead, and end a minute after their last abort.
	private final ExecutorService aborts = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "rw-routing-reader-abort");
		thread.setDaemon(true);
		return thread;
	});

	// Weak: a connection the pool dropped without closing must not be kept alive here. The value is
	// its socket when ReaderSocketFactory created it, else null.
	private final Map<Connection, @Nullable Socket> opened = new WeakHashMap<>();

	private final AtomicReference<@Nullable Runnable> onReconnect = new AtomicReference<>();

	/**
	 * Create a tracking data source.
	 * @param driver the data source that opens the physical connections
	 */
	public ReaderConnections(DataSource driver) {
		this.driver = driver;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return open(this.driver::getConnection);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return open(() -> this.driver.getConnection(username, password));
	}

	private Connection open(Opener opener) throws SQLException {
		AtomicReference<@Nullable Socket> socket = new AtomicReference<>();
		ReaderSocketFactory.recordOn(socket);
		Connection connection;
		try {
			connection = opener.open();
		}
		finally {
			ReaderSocketFactory.stopRecording();
		}
		synchronized (this.opened) {
			this.opened.keySet().removeIf(ReaderConnections::isClosed);
			this.opened.put(connection, socket.get());
		}
		Runnable reconnected = this.onReconnect.getAndSet(null);
		if (reconnected != null) {
			reconnected.run();
		}
		return connection;
	}

	/**
	 * Run something once the next connection has been opened (the node answers again).
	 * @param action what to run, on the thread that opened the connection
	 */
	public void onReconnect(Runnable action) {
		this.onReconnect.set(action);
	}

	private static void abort(Connection connection, @Nullable Socket socket) {
		if (socket != null) {
			try {
				// Ends a read blocked on it at once, whatever the driver's abort then does.
				socket.close();
			}
			catch (IOException ex) {
				logger.debug("Failed to close the socket of a reader connection", ex);
			}
		}
		try {
			connection.abort(ABORT_EXECUTOR);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Failed to abort a reader connection", ex);
		}
	}

	/**
	 * Abort every open connection, idle or busy, each on a thread of its own: they are closed
	 * shortly after this returns.
	 * @return how many aborts were started
	 */
	public int abortAll() {
		Map<Connection, @Nullable Socket> open;
		synchronized (this.opened) {
			open = new HashMap<>(this.opened);
			this.opened.clear();
		}
		int aborted = 0;
		for (Map.Entry<Connection, @Nullable Socket> entry : open.entrySet()) {
			if (isClosed(entry.getKey())) {
				continue;
			}
			this.aborts.execute(() -> abort(entry.getKey(), entry.getValue()));
			aborted++;
		}
		return aborted;
	}

	/**
	 * How many connections are open.
	 * @return the count
	 */
	public int openCount() {
		synchronized (this.opened) {
			this.opened.keySet().removeIf(ReaderConnections::isClosed);
			return this.opened.size();
		}
	}

	private static boolean isClosed(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	@FunctionalInterface
	private interface Opener {

		Connection open() throws SQLException;

	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.driver.getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		this.driver.setLogWriter(out);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.driver.setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.driver.getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		return this.driver.getParentLogger();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		return type.isInstance(this) ? type.cast(this) : this.driver.unwrap(type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		return type.isInstance(this) || this.driver.isWrapperFor(type);
	}

}
