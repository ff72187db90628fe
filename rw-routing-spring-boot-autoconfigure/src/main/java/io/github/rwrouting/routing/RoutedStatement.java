package io.github.rwrouting.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.github.rwrouting.consistency.SqlStatements;
import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.failover.WriterDemotedException;
import org.jspecify.annotations.Nullable;

/**
 * A statement of a {@link RoutedConnection}: a plain delegate to the pooled statement, except
 * where routing needs to see the execution.
 * <p>
 * On a reader:
 * <ul>
 * <li>a write attempted on the replica fails with an error that says where the work was routed and
 * why, not the database's bare "read-only transaction";</li>
 * <li>when the transaction's first statement finds the replica gone (a pooled connection to a node
 * that died or was stopped), the transaction moves to the writer and the statement runs there, its
 * parameters set again, so a dead reader never fails a read. Nothing has run in the transaction
 * yet, so this is safe;</li>
 * <li>with {@code rw-routing.non-transactional=auto}, a statement outside a transaction that the
 * replica refuses as a write runs again on the writer (nothing was written: the refused statement
 * was its own transaction).</li>
 * </ul>
 * On the writer, they note whether the work may have written, so that the commit position is
 * captured only after work that did, and they turn a read-only error outside a read-only
 * transaction (PostgreSQL's 25006, MariaDB's and MySQL's 1290 and 1836:
 * {@link FailoverExceptions#isReadOnlyRefusal}) into a {@link WriterDemotedException}: the writer pool
 * reached a demoted node, whose connections are then retired.
 * <p>
 * Hand-written rather than a dynamic proxy, so that a call costs a virtual call, not a
 * {@code Method.invoke} with its arguments boxed into an array. Calls are recorded (one small
 * object each) only while a move to the writer may still need them again.
 *
 * @param <S> the type of the pooled statement
 * @author rw-routing
 */
class RoutedStatement<S extends Statement> implements Statement {

	private static final byte SQL_UNKNOWN = 0;

	private static final byte SQL_READS = 1;

	private static final byte SQL_MAY_WRITE = 2;

	final RoutedConnection connection;

	private final StatementFactory<S> factory;

	private final @Nullable String sql;

	private final boolean nonTransactional;

	// Routed on its own (non-transactional=auto, outside a transaction): the connection may re-bind
	// between statements, so it counts the open ones, and a write a replica refused runs again.
	private final boolean routedAlone;

	// Null only while a statement routed on its own waits for the SQL of its first execution.
	@Nullable S target;

	private @Nullable Route route;

	// The pooled connection of a statement routed on its own.
	private @Nullable Connection pooled;

	private byte sqlReads;

	// Calls made before the first execution (settings, parameters, batches), to make on the
	// writer's statement if this one moves there; created on the first such call.
	boolean recording;

	private @Nullable List<StatementCall<S>> recorded;

	private boolean executed;

	private boolean refusedWrite;

	private boolean closed;

	private @Nullable RoutedResultSet resultSet;

	/**
	 * A statement on the connection's current binding.
	 */
	RoutedStatement(RoutedConnection connection, RouteDecision decision, S target, @Nullable String sql,
			StatementFactory<S> factory, @Nullable Connection routedAlone, boolean sqlReads) {
		this.connection = connection;
		this.factory = factory;
		this.sql = sql;
		this.target = target;
		this.route = decision.route();
		this.nonTransactional = decision.reason() == RouteReason.NON_TRANSACTIONAL;
		this.routedAlone = routedAlone != null;
		this.pooled = routedAlone;
		if (routedAlone != null) {
			this.sqlReads = sqlReads ? SQL_READS : SQL_MAY_WRITE;
		}
		this.recording = this.route.isReader() && (this.routedAlone || connection.isFirstStatementPending());
	}

	/**
	 * A statement without SQL routed on its own: it binds when it is executed, where its SQL says.
	 */
	RoutedStatement(RoutedConnection connection, StatementFactory<S> factory) {
		this.connection = connection;
		this.factory = factory;
		this.sql = null;
		this.nonTransactional = true;
		this.routedAlone = true;
		this.recording = true;
	}

	/**
	 * The pooled statement; a statement still waiting for its SQL binds as one that may write.
	 */
	final S target() throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement : bind(null);
	}

	private S executing(String executedSql) throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement : bind(executedSql);
	}

	private S bind(@Nullable String executedSql) throws SQLException {
		if (this.closed) {
			throw new SQLException("Statement is closed", "HY010");
		}
		boolean reads = executedSql != null && SqlStatements.isRead(executedSql);
		Connection connection = this.connection.bindStatement(reads);
		S statement = this.factory.create(connection, null);
		this.target = statement;
		this.pooled = connection;
		this.route = this.connection.route();
		this.connection.statementOpened(connection);
		List<StatementCall<S>> calls = this.recorded;
		if (!this.route.isReader()) {
			// Only a reader's statement may move; the writer's needs no record.
			this.recording = false;
			this.recorded = null;
		}
		if (calls != null) {
			for (StatementCall<S> call : calls) {
				call.apply(statement);
			}
		}
		return statement;
	}

	final void record(StatementCall<S> call) {
		List<StatementCall<S>> calls = this.recorded;
		if (calls == null) {
			calls = new ArrayList<>();
			this.recorded = calls;
		}
		calls.add(call);
	}

	/**
	 * An execution succeeded: on a reader, the transaction's first statement has run; on the writer,
	 * note a statement that may have written.
	 * @param query whether it was {@code execute} or {@code executeQuery}, which write only if their
	 * SQL does
	 * @param executedSql the SQL given to the execution, {@code null} for the prepared SQL
	 */
	final void executed(boolean query, @Nullable String executedSql) throws SQLException {
		if (this.recording && this.route.isReader() && this.connection.firstStatementRanOnPromotedReader()) {
			// Its answer may come from the promoted node's own data: it runs again on the writer.
			throw new ReaderPromotedException();
		}
		this.executed = true;
		if (this.route.isReader()) {
			if (this.recording) {
				this.recording = false;
				this.recorded = null;
			}
			this.connection.firstStatementExecuted();
		}
		else if (this.refusedWrite) {
			// A replica refused it as a write: it wrote on the writer, whatever its SQL looks like.
			this.refusedWrite = false;
			this.connection.wrote();
		}
		else if (this.connection.tracksWrites() && !this.connection.readOnlyFlag()
				&& (!query || !readsOnly(executedSql))) {
			this.connection.wrote();
		}
	}

	private boolean readsOnly(@Nullable String executedSql) {
		if (executedSql != null) {
			return SqlStatements.isRead(executedSql);
		}
		byte known = this.sqlReads;
		if (known == SQL_UNKNOWN) {
			String prepared = this.sql;
			known = (prepared != null && SqlStatements.isRead(prepared)) ? SQL_READS : SQL_MAY_WRITE;
			this.sqlReads = known;
		}
		return known == SQL_READS;
	}

	/**
	 * An execution failed: the statement to run it again on, or the error to throw.
	 */
	final S failed(SQLException ex) throws SQLException {
		Route current = this.route;
		if (ex instanceof ReaderPromotedException) {
			return moveTo(this.connection.readerLeftRecovery());
		}
		// On the writer a read-only refusal means the writer endpoint reached a read-only node.
		if (!current.isReader() && FailoverExceptions.isReadOnlyRefusal(ex)) {
			if (this.connection.writerDemoted()) {
				throw new WriterDemotedException(current.poolName(), ex);
			}
			throw ex;
		}
		if (current.isReader() && RoutedStatements.isWriteRefused(ex)) {
			if (!this.routedAlone) {
				throw RoutedStatements.writeRefused(ex, current, this.nonTransactional);
			}
			return writeRefused(ex, current);
		}
		if (this.recording && current.isReader() && FailoverExceptions.isConnectionFailure(ex)) {
			Connection writer = this.connection.readerFailed(ex);
			if (writer != null) {
				return moveTo(writer);
			}
		}
		throw ex;
	}

	/**
	 * A replica refused a statement routed on its own as a write: it runs again on the writer,
	 * unless it cannot be made again there exactly.
	 */
	private S writeRefused(SQLException ex, Route reader) throws SQLException {
		if (this.executed) {
			throw RoutedStatements.writeRefusedNotMoved(ex, reader, "it had already run there, and its earlier "
					+ "settings and parameters are not kept");
		}
		if (!this.connection.mayMoveRefusedWrite(this.pooled)) {
			throw RoutedStatements.writeRefusedNotMoved(ex, reader,
					"other statements are still open on the same connection");
		}
		S refused = this.target;
		closeQuietly(refused);
		Connection writer = this.connection.writeRefused();
		this.refusedWrite = true;
		return moveTo(writer);
	}

	private S moveTo(Connection writer) throws SQLException {
		S previous = this.target;
		S replacement = this.factory.create(writer, this.sql);
		this.target = replacement;
		this.route = this.connection.route();
		List<StatementCall<S>> calls = this.recorded;
		this.recording = false;
		this.recorded = null;
		if (this.routedAlone) {
			this.pooled = writer;
			this.connection.statementOpened(writer);
		}
		if (calls != null) {
			for (StatementCall<S> call : calls) {
				call.apply(replacement);
			}
		}
		// The old statement belongs to a dead connection, or was closed before its connection went back.
		closeQuietly(previous);
		return replacement;
	}

	private static void closeQuietly(@Nullable Statement statement) {
		if (statement != null) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				// nothing more to do with it
			}
		}
	}

	final @Nullable ResultSet resultSet(@Nullable ResultSet result) {
		if (result == null) {
			return null;
		}
		RoutedResultSet wrapped = this.resultSet;
		if (wrapped == null || wrapped.target != result) {
			wrapped = new RoutedResultSet(this, result);
			this.resultSet = wrapped;
		}
		return wrapped;
	}

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				ResultSet result = statement.executeQuery(sql);
				executed(true, sql);
				return resultSet(result);
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				boolean result = statement.execute(sql);
				executed(true, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				boolean result = statement.execute(sql, autoGeneratedKeys);
				executed(true, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public boolean execute(String sql, int[] columnIndexes) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				boolean result = statement.execute(sql, columnIndexes);
				executed(true, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public boolean execute(String sql, String[] columnNames) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				boolean result = statement.execute(sql, columnNames);
				executed(true, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int executeUpdate(String sql) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				int result = statement.executeUpdate(sql);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				int result = statement.executeUpdate(sql, autoGeneratedKeys);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				int result = statement.executeUpdate(sql, columnIndexes);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int executeUpdate(String sql, String[] columnNames) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				int result = statement.executeUpdate(sql, columnNames);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long executeLargeUpdate(String sql) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				long result = statement.executeLargeUpdate(sql);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				long result = statement.executeLargeUpdate(sql, autoGeneratedKeys);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				long result = statement.executeLargeUpdate(sql, columnIndexes);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
		S statement = executing(sql);
		while (true) {
			try {
				long result = statement.executeLargeUpdate(sql, columnNames);
				executed(false, sql);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int[] executeBatch() throws SQLException {
		S statement = target();
		while (true) {
			try {
				int[] result = statement.executeBatch();
				executed(false, null);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long[] executeLargeBatch() throws SQLException {
		S statement = target();
		while (true) {
			try {
				long[] result = statement.executeLargeBatch();
				executed(false, null);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		return resultSet(target().getResultSet());
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		return resultSet(target().getGeneratedKeys());
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.recording = false;
		this.recorded = null;
		Connection connection = this.pooled;
		if (connection != null) {
			this.connection.statementClosed(connection);
		}
		S statement = this.target;
		if (statement != null) {
			statement.close();
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		S statement = this.target;
		return this.closed || (statement != null && statement.isClosed());
	}

	@Override
	public void cancel() throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.cancel();
		}
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.clearWarnings();
		}
	}

	@Override
	public String enquoteLiteral(String val) throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement.enquoteLiteral(val) : Statement.super.enquoteLiteral(val);
	}

	@Override
	public String enquoteIdentifier(String identifier, boolean alwaysQuote) throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement.enquoteIdentifier(identifier, alwaysQuote)
				: Statement.super.enquoteIdentifier(identifier, alwaysQuote);
	}

	@Override
	public boolean isSimpleIdentifier(String identifier) throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement.isSimpleIdentifier(identifier)
				: Statement.super.isSimpleIdentifier(identifier);
	}

	@Override
	public String enquoteNCharLiteral(String val) throws SQLException {
		S statement = this.target;
		return (statement != null) ? statement.enquoteNCharLiteral(val) : Statement.super.enquoteNCharLiteral(val);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		return iface.isInstance(this) ? (T) this : target().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || target().isWrapperFor(iface);
	}

	@Override
	public String toString() {
		Route current = this.route;
		return getClass().getSimpleName() + "[" + ((current != null) ? current.poolName() : "not bound yet") + "]: "
				+ this.target;
	}


	@Override
	public int getMaxFieldSize() throws SQLException {
		return target().getMaxFieldSize();
	}

	@Override
	public void setMaxFieldSize(int max) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setMaxFieldSize(max);
		}
		if (this.recording) {
			record((recorded) -> recorded.setMaxFieldSize(max));
		}
	}

	@Override
	public int getMaxRows() throws SQLException {
		return target().getMaxRows();
	}

	@Override
	public void setMaxRows(int max) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setMaxRows(max);
		}
		if (this.recording) {
			record((recorded) -> recorded.setMaxRows(max));
		}
	}

	@Override
	public void setEscapeProcessing(boolean enable) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setEscapeProcessing(enable);
		}
		if (this.recording) {
			record((recorded) -> recorded.setEscapeProcessing(enable));
		}
	}

	@Override
	public int getQueryTimeout() throws SQLException {
		return target().getQueryTimeout();
	}

	@Override
	public void setQueryTimeout(int seconds) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setQueryTimeout(seconds);
		}
		if (this.recording) {
			record((recorded) -> recorded.setQueryTimeout(seconds));
		}
	}

	@Override
	public void setCursorName(String name) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setCursorName(name);
		}
		if (this.recording) {
			record((recorded) -> recorded.setCursorName(name));
		}
	}

	@Override
	public int getUpdateCount() throws SQLException {
		return target().getUpdateCount();
	}

	@Override
	public boolean getMoreResults() throws SQLException {
		return target().getMoreResults();
	}

	@Override
	public void setFetchDirection(int direction) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setFetchDirection(direction);
		}
		if (this.recording) {
			record((recorded) -> recorded.setFetchDirection(direction));
		}
	}

	@Override
	public int getFetchDirection() throws SQLException {
		return target().getFetchDirection();
	}

	@Override
	public void setFetchSize(int rows) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setFetchSize(rows);
		}
		if (this.recording) {
			record((recorded) -> recorded.setFetchSize(rows));
		}
	}

	@Override
	public int getFetchSize() throws SQLException {
		return target().getFetchSize();
	}

	@Override
	public int getResultSetConcurrency() throws SQLException {
		return target().getResultSetConcurrency();
	}

	@Override
	public int getResultSetType() throws SQLException {
		return target().getResultSetType();
	}

	@Override
	public void addBatch(String sql) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.addBatch(sql);
		}
		if (this.recording) {
			record((recorded) -> recorded.addBatch(sql));
		}
	}

	@Override
	public void clearBatch() throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.clearBatch();
		}
		if (this.recording) {
			record((recorded) -> recorded.clearBatch());
		}
	}

	@Override
	public boolean getMoreResults(int current) throws SQLException {
		return target().getMoreResults(current);
	}

	@Override
	public int getResultSetHoldability() throws SQLException {
		return target().getResultSetHoldability();
	}

	@Override
	public void setPoolable(boolean poolable) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setPoolable(poolable);
		}
		if (this.recording) {
			record((recorded) -> recorded.setPoolable(poolable));
		}
	}

	@Override
	public boolean isPoolable() throws SQLException {
		return target().isPoolable();
	}

	@Override
	public void closeOnCompletion() throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.closeOnCompletion();
		}
		if (this.recording) {
			record((recorded) -> recorded.closeOnCompletion());
		}
	}

	@Override
	public boolean isCloseOnCompletion() throws SQLException {
		return target().isCloseOnCompletion();
	}

	@Override
	public long getLargeUpdateCount() throws SQLException {
		return target().getLargeUpdateCount();
	}

	@Override
	public void setLargeMaxRows(long max) throws SQLException {
		S statement = this.target;
		if (statement != null) {
			statement.setLargeMaxRows(max);
		}
		if (this.recording) {
			record((recorded) -> recorded.setLargeMaxRows(max));
		}
	}

	@Override
	public long getLargeMaxRows() throws SQLException {
		return target().getLargeMaxRows();
	}

	/**
	 * Creates the pooled statement on a connection: the same again after a move to the writer.
	 */
	@FunctionalInterface
	interface StatementFactory<S extends Statement> {

		S create(Connection connection, @Nullable String sql) throws SQLException;

	}

	/**
	 * A call made on the pooled statement, to make again on the writer's.
	 */
	@FunctionalInterface
	interface StatementCall<S extends Statement> {

		void apply(S statement) throws SQLException;

	}

	/**
	 * The reader reported, with the answer to the transaction's first statement, that it left
	 * recovery: never thrown to the application, the statement runs again on the writer.
	 */
	static final class ReaderPromotedException extends SQLException {

		private static final long serialVersionUID = 1L;

		ReaderPromotedException() {
			super("The reader was promoted; the statement runs again on the writer");
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this; // a signal, not an error: no trace to fill
		}

	}

}
