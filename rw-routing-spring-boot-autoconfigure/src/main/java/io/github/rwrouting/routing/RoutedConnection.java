package io.github.rwrouting.routing;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.SqlStatements;
import io.github.rwrouting.failover.FailoverExceptions;
import io.github.rwrouting.routing.RoutedStatement.StatementFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A connection that binds to a pool only when the first statement needs one. Until then it records
 * what the transaction manager sets (auto-commit, read-only, isolation, holdability) and replays it
 * on the pooled connection it finally borrows.
 * <p>
 * In a Spring-managed transaction the pooled connection is given back when the transaction ends, so
 * that a caller holding this connection across transactions (JPA with open-session-in-view) has its
 * next transaction routed on its own merits instead of pinned to the node of the first one.
 *
 * @author rw-routing
 */
final class RoutedConnection implements Connection {

	private static final int UNSET = -1;

	private final RoutingDataSource owner;

	private @Nullable Connection target;

	private @Nullable RouteDecision decision;

	private boolean autoCommit;

	private boolean readOnly;

	private int transactionIsolation = UNSET;

	private int holdability = UNSET;

	private boolean closed;

	private boolean firstStatementPending;

	private boolean wroteInTransaction;

	RoutedConnection(RoutingDataSource owner) {
		this.owner = owner;
		this.autoCommit = owner.defaultAutoCommit();
	}

	/**
	 * The pooled connection, borrowed now if this is the first statement.
	 */
	private Connection target() throws SQLException {
		Connection connection = this.target;
		return (connection != null) ? connection : bind(null);
	}

	/**
	 * Bind to a pool.
	 * @param statementDecision where a statement routed on its own goes, or {@code null} to decide
	 * from the transaction
	 */
	private Connection bind(@Nullable RouteDecision statementDecision) throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		RouteDecision routeDecision = statementDecision;
		if (routeDecision == null) {
			boolean readOnlyWork = this.readOnly || TransactionSynchronizationManager.isCurrentTransactionReadOnly();
			boolean inTransaction = !this.autoCommit || TransactionSynchronizationManager.isActualTransactionActive();
			routeDecision = this.owner.decide(readOnlyWork, inTransaction);
		}
		Connection connection = routeDecision.route().isReader() ? borrowForRead(routeDecision)
				: borrow(routeDecision);
		try {
			applyState(connection, this.decision.route());
		}
		catch (SQLException | RuntimeException ex) {
			this.decision = null;
			connection.close();
			throw ex;
		}
		this.target = connection;
		this.firstStatementPending = this.decision.route().isReader();
		this.owner.routed(this.decision);
		return connection;
	}

	private Connection borrow(RouteDecision routeDecision) throws SQLException {
		Connection connection = routeDecision.route().dataSource().getConnection();
		this.decision = routeDecision;
		return connection;
	}

	/**
	 * Borrow from a reader; if its pool cannot give a connection, from the writer. Never an error
	 * because of a reader: the replica monitor excludes it until it is reachable again.
	 */
	private Connection borrowFromReader(RouteDecision readerDecision) throws SQLException {
		try {
			return borrow(readerDecision);
		}
		catch (SQLException ex) {
			return borrow(this.owner.readerUnreachable(readerDecision, ex));
		}
	}

	/**
	 * A read: to the reader the policy chose, unless the scope's consistency token asks for a write
	 * that reader is not known to show. Then a reader the monitor saw past the write, else the chosen
	 * reader once checked (and briefly waited for), else the writer.
	 */
	private Connection borrowForRead(RouteDecision readerDecision) throws SQLException {
		ConsistencyGuard guard = this.owner.consistency();
		ConsistencyToken.Entry required = (guard != null) ? guard.requirement() : null;
		if (required == null) {
			return borrowFromReader(readerDecision);
		}
		ConsistencyOutcome writerOnly = guard.writerOnly(required);
		if (writerOnly != null) {
			return writerForConsistency(guard, writerOnly);
		}
		RouteDecision caughtUp = this.owner.getPolicy()
			.decideCaughtUp(readerDecision.reason(), required.position(), required.commitTimeMillis());
		if (caughtUp != null) {
			guard.outcome(ConsistencyOutcome.REPLICA_CAUGHT_UP);
			return borrowFromReader(caughtUp);
		}
		ReaderHealth health = readerDecision.route().health();
		long expectedWait = guard.expectedWaitNanos(required, health.lagNanos());
		if (guard.tooFarBehind(required, expectedWait)) {
			return writerForConsistency(guard, ConsistencyOutcome.WRITER_REPLICA_BEHIND);
		}
		Connection connection = borrowFromReader(readerDecision);
		if (!this.decision.route().isReader() || guard.awaitReplayed(connection, required, expectedWait)) {
			return connection;
		}
		connection.close();
		// Not replayed a write this old: the replica lags at least that much. Until the monitor
		// measures again, the next reads go to the writer at once instead of waiting in vain.
		health.lagsAtLeast(guard.ageNanos(required));
		return writerForConsistency(guard, ConsistencyOutcome.WRITER_FALLBACK);
	}

	private Connection writerForConsistency(ConsistencyGuard guard, ConsistencyOutcome outcome) throws SQLException {
		guard.outcome(outcome);
		return borrow(this.owner.getPolicy().writerDecision(RouteReason.CONSISTENCY));
	}

	private void applyState(Connection connection, Route route) throws SQLException {
		// Reader pools hand out read-only connections already; only a read-only transaction on the
		// writer needs the flag.
		if (this.readOnly && !route.isReader()) {
			connection.setReadOnly(true);
		}
		if (this.transactionIsolation != UNSET) {
			connection.setTransactionIsolation(this.transactionIsolation);
		}
		if (this.holdability != UNSET) {
			connection.setHoldability(this.holdability);
		}
		if (connection.getAutoCommit() != this.autoCommit) {
			connection.setAutoCommit(this.autoCommit);
		}
	}

	/**
	 * Give the pooled connection back once a Spring-managed transaction ended on it.
	 */
	private void transactionEnded() throws SQLException {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			release();
		}
	}

	private void release() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			this.target = null;
			this.decision = null;
			connection.close();
		}
	}

	// Statements. The factories of the plain overloads capture nothing, so they are allocated once.
	// With rw-routing.non-transactional=auto, a statement outside a transaction is routed on its own
	// by its SQL; a plain createStatement() has none yet and binds when it is executed.

	private Statement statement(StatementFactory<Statement> factory) throws SQLException {
		if (routesEachStatement()) {
			return new RoutedStatement<>(this, factory);
		}
		Connection connection = transactionTarget();
		return new RoutedStatement<>(this, this.decision, factory.create(connection, null), null, factory, null,
				false);
	}

	private PreparedStatement prepared(String sql, StatementFactory<PreparedStatement> factory) throws SQLException {
		if (routesEachStatement()) {
			boolean reads = SqlStatements.isRead(sql);
			Connection connection = bindStatement(reads);
			RoutedPreparedStatement<PreparedStatement> statement = new RoutedPreparedStatement<>(this,
					this.decision, factory.create(connection, sql), sql, factory, connection, reads);
			statementOpened(connection);
			return statement;
		}
		Connection connection = transactionTarget();
		return new RoutedPreparedStatement<>(this, this.decision, factory.create(connection, sql), sql, factory,
				null, false);
	}

	private CallableStatement callable(String sql, StatementFactory<CallableStatement> factory) throws SQLException {
		if (routesEachStatement()) {
			boolean reads = SqlStatements.isRead(sql);
			Connection connection = bindStatement(reads);
			RoutedCallableStatement statement = new RoutedCallableStatement(this, this.decision,
					factory.create(connection, sql), sql, factory, connection, reads);
			statementOpened(connection);
			return statement;
		}
		Connection connection = transactionTarget();
		return new RoutedCallableStatement(this, this.decision, factory.create(connection, sql), sql, factory, null,
				false);
	}

	// Per-statement routing (rw-routing.non-transactional=auto) --------------------------------------

	// The pooled connection bound for statements routed on their own, whether it was bound for a
	// plain read, and how many statements made on it are still open (they die with it if it goes back).
	private @Nullable Connection statementBinding;

	private boolean statementBindingReads;

	private int openStatements;

	/**
	 * Whether statements are now routed one by one: in auto mode, in auto-commit mode, outside any
	 * transaction and not read-only (read-only work goes to a reader as a whole).
	 */
	private boolean routesEachStatement() {
		return this.owner.getPolicy().routesEachStatement() && this.autoCommit && !this.readOnly
				&& !TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isCurrentTransactionReadOnly();
	}

	/**
	 * The pooled connection for a statement routed on its own: the current one if it was bound for
	 * the same kind of statement (or if statements made on it are still open), else a new binding.
	 * @param reads whether the statement is a plain read
	 */
	Connection bindStatement(boolean reads) throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			if (connection != this.statementBinding) {
				// Bound for something else (metadata, an earlier transaction): as for a statement that may write.
				this.statementBinding = connection;
				this.statementBindingReads = false;
				this.openStatements = 0;
			}
			if (this.statementBindingReads == reads || this.openStatements > 0) {
				return connection;
			}
			release();
		}
		connection = bind(this.owner.getPolicy().decideStatement(reads));
		this.statementBinding = connection;
		this.statementBindingReads = reads;
		this.openStatements = 0;
		return connection;
	}

	/**
	 * The pooled connection for a statement that is not routed on its own. A binding made for
	 * statements routed on their own goes back first: a transaction (or read-only work) that began
	 * on this connection since, as with JPA holding it across transactions, is routed on its own
	 * merits, not run on the node of the last statement.
	 */
	private Connection transactionTarget() throws SQLException {
		Connection connection = this.target;
		if (connection != null && connection == this.statementBinding) {
			this.statementBinding = null;
			this.openStatements = 0;
			release();
		}
		return target();
	}

	void statementOpened(Connection pooled) {
		if (pooled != this.statementBinding) {
			this.statementBinding = pooled;
			this.statementBindingReads = false;
			this.openStatements = 0;
		}
		this.openStatements++;
	}

	void statementClosed(Connection pooled) {
		if (pooled == this.statementBinding && this.openStatements > 0) {
			this.openStatements--;
		}
	}

	/**
	 * Whether a statement a replica refused as a write may move to the writer: only when it is the
	 * one statement open on the current binding, which then goes back to its pool.
	 */
	boolean mayMoveRefusedWrite(@Nullable Connection pooled) {
		return pooled != null && pooled == this.target && pooled == this.statementBinding && this.openStatements <= 1;
	}

	/**
	 * A replica refused a statement as a write: give the reader back and bind to the writer,
	 * counted as {@link RouteReason#WRITE_REFUSED}.
	 */
	Connection writeRefused() throws SQLException {
		release();
		Connection writer = bind(this.owner.getPolicy().writerDecision(RouteReason.WRITE_REFUSED));
		this.statementBinding = writer;
		this.statementBindingReads = false;
		this.openStatements = 0;
		return writer;
	}

	// -------------------------------------------------------------------------------------------------

	/**
	 * Whether a statement that may have written matters now: only with consistency on, and in a
	 * transaction only until its first write.
	 */
	boolean tracksWrites() {
		return this.owner.consistency() != null && (this.autoCommit || !this.wroteInTransaction);
	}

	/**
	 * A statement that may have written just ran on the writer: capture the commit position now in
	 * auto-commit mode, else together with the transaction's COMMIT.
	 */
	void wrote() {
		ConsistencyGuard guard = this.owner.consistency();
		if (guard == null) {
			return;
		}
		if (this.autoCommit) {
			// The statement has committed: the position is read outside any transaction.
			guard.written(this.target);
		}
		else {
			this.wroteInTransaction = true;
		}
	}

	/**
	 * A write on the writer failed with a read-only error outside a read-only transaction: the writer
	 * pool reached a node that is no longer the primary.
	 */
	boolean writerDemoted() {
		if (this.readOnly || TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			return false;
		}
		this.owner.writerDemoted();
		return true;
	}

	boolean isFirstStatementPending() {
		return this.firstStatementPending;
	}

	void firstStatementExecuted() {
		this.firstStatementPending = false;
	}

	/**
	 * The route this connection is bound to.
	 */
	Route route() {
		return this.decision.route();
	}

	/**
	 * The reader died before the transaction's first statement could run: move the transaction to
	 * the writer. Returns the writer connection, or {@code null} when something already ran on the
	 * reader and the transaction cannot move.
	 */
	@Nullable Connection readerFailed(SQLException ex) throws SQLException {
		Connection dead = this.target;
		if (!this.firstStatementPending || dead == null || !this.decision.route().isReader()) {
			return null;
		}
		this.target = null;
		try {
			dead.close();
		}
		catch (SQLException closeFailure) {
			ex.addSuppressed(closeFailure);
		}
		RouteDecision writerDecision = this.owner.readerUnreachable(this.decision, ex);
		Connection writer = writerDecision.route().dataSource().getConnection();
		try {
			applyState(writer, writerDecision.route());
		}
		catch (SQLException | RuntimeException failure) {
			writer.close();
			throw failure;
		}
		this.target = writer;
		this.decision = writerDecision;
		this.firstStatementPending = false;
		this.owner.routed(writerDecision);
		return writer;
	}

	@Override
	public Statement createStatement() throws SQLException {
		return statement((connection, sql) -> connection.createStatement());
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return statement((connection, sql) -> connection.createStatement(resultSetType, resultSetConcurrency));
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		return statement((connection, sql) -> connection.createStatement(resultSetType, resultSetConcurrency,
				resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return prepared(sql, (connection, text) -> connection.prepareStatement(text));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return prepared(sql,
				(connection, text) -> connection.prepareStatement(text, resultSetType, resultSetConcurrency));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return prepared(sql, (connection, text) -> connection.prepareStatement(text, resultSetType,
				resultSetConcurrency, resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return prepared(sql, (connection, text) -> connection.prepareStatement(text, autoGeneratedKeys));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return prepared(sql, (connection, text) -> connection.prepareStatement(text, columnIndexes));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return prepared(sql, (connection, text) -> connection.prepareStatement(text, columnNames));
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return callable(sql, (connection, text) -> connection.prepareCall(text));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return callable(sql, (connection, text) -> connection.prepareCall(text, resultSetType, resultSetConcurrency));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return callable(sql, (connection, text) -> connection.prepareCall(text, resultSetType, resultSetConcurrency,
				resultSetHoldability));
	}

	@Override
	public String nativeSQL(String sql) throws SQLException {
		return target().nativeSQL(sql);
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			connection.setAutoCommit(autoCommit);
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean getAutoCommit() {
		return this.autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		Connection connection = this.target;
		if (connection == null) {
			return;
		}
		try {
			commit(connection, this.wroteInTransaction ? this.owner.consistency() : null);
		}
		finally {
			this.wroteInTransaction = false;
			transactionEnded();
		}
	}

	/**
	 * Commit, and for a transaction that wrote capture its position in the same round trip.
	 */
	private static void commit(Connection connection, @Nullable ConsistencyGuard capturing) throws SQLException {
		try {
			if (capturing != null) {
				capturing.commitWritten(connection);
			}
			else {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			if (FailoverExceptions.isConnectionFailure(ex)) {
				// The COMMIT may or may not have reached the server: say so, so that nobody re-runs it blindly.
				throw new SQLTransientConnectionException("The connection was lost while committing: the transaction "
						+ "may or may not have committed", FailoverExceptions.TRANSACTION_RESOLUTION_UNKNOWN, ex);
			}
			throw ex;
		}
	}

	@Override
	public void rollback() throws SQLException {
		Connection connection = this.target;
		if (connection == null) {
			return;
		}
		try {
			connection.rollback();
		}
		finally {
			this.wroteInTransaction = false;
			transactionEnded();
		}
	}

	@Override
	public void close() throws SQLException {
		if (!this.closed) {
			this.closed = true;
			release();
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		Connection connection = this.target;
		return this.closed || (connection != null && connection.isClosed());
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		return target().getMetaData();
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		Connection connection = this.target;
		if (connection != null && !this.decision.route().isReader()) {
			connection.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() {
		return this.readOnly;
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		target().setCatalog(catalog);
	}

	@Override
	public String getCatalog() throws SQLException {
		return target().getCatalog();
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			connection.setTransactionIsolation(level);
		}
		this.transactionIsolation = level;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			return connection.getTransactionIsolation();
		}
		return (this.transactionIsolation != UNSET) ? this.transactionIsolation
				: this.owner.defaultTransactionIsolation();
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		Connection connection = this.target;
		return (connection != null) ? connection.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			connection.clearWarnings();
		}
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		return target().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		target().setTypeMap(map);
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			connection.setHoldability(holdability);
		}
		this.holdability = holdability;
	}

	@Override
	public int getHoldability() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			return connection.getHoldability();
		}
		return (this.holdability != UNSET) ? this.holdability : target().getHoldability();
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		return target().setSavepoint();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		return target().setSavepoint(name);
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		target().rollback(savepoint);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		target().releaseSavepoint(savepoint);
	}

	@Override
	public Clob createClob() throws SQLException {
		return target().createClob();
	}

	@Override
	public Blob createBlob() throws SQLException {
		return target().createBlob();
	}

	@Override
	public NClob createNClob() throws SQLException {
		return target().createNClob();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		return target().createSQLXML();
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return !this.closed && target().isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		try {
			target().setClientInfo(name, value);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		try {
			target().setClientInfo(properties);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

	@Override
	public String getClientInfo(String name) throws SQLException {
		return target().getClientInfo(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		return target().getClientInfo();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return target().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return target().createStruct(typeName, attributes);
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		target().setSchema(schema);
	}

	@Override
	public String getSchema() throws SQLException {
		return target().getSchema();
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		this.closed = true;
		Connection connection = this.target;
		if (connection != null) {
			this.target = null;
			this.decision = null;
			connection.abort(executor);
		}
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		target().setNetworkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return target().getNetworkTimeout();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return target().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || target().isWrapperFor(iface);
	}

	@Override
	public String toString() {
		RouteDecision current = this.decision;
		return "RoutedConnection[" + ((current != null) ? current : "not routed yet") + "]";
	}

}
