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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ReplicaCheck;
import io.github.rwrouting.consistency.SqlStatements;
import io.github.rwrouting.failover.FailoverExceptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.github.rwrouting.routing.RoutedStatement.StatementFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A connection that binds to a pool only when the first statement needs one. Until then it records
 * every piece of session state the application or the transaction manager sets (auto-commit,
 * read-only, isolation, holdability, schema, catalog, client info, network timeout, type map) and
 * replays it on every pooled connection it binds to: the first one, the next one after a
 * Spring-managed transaction gave the previous one back, and the writer's when a dead reader moves
 * the transaction. Getters answer from what was recorded, else from what a fresh connection of the
 * expected pool has (see {@link PoolDefaults}), without binding.
 * <p>
 * In a Spring-managed transaction the pooled connection is given back when the transaction ends, so
 * that a caller holding this connection across transactions (JPA with open-session-in-view) has its
 * next transaction routed on its own merits instead of pinned to the node of the first one. The
 * pooled connection never escapes: {@link #getMetaData()} answers with this connection, and
 * {@link #unwrap} hands out driver interfaces that stop working once the pooled connection behind
 * them went back to its pool.
 *
 * @author rw-routing
 */
final class RoutedConnection implements Connection {

	private static final Log logger = LogFactory.getLog(RoutedConnection.class);

	private static final int UNSET = PoolDefaults.UNSET;

	private final RoutingDataSource owner;

	private @Nullable Connection target;

	private @Nullable RouteDecision decision;

	// The consistency outcome of the route being taken, counted once the connection is bound: a
	// read planned again (its reader turned out promoted) or carried out elsewhere (its reader was
	// unreachable) counts what did happen, once.
	private @Nullable ConsistencyOutcome outcome;

	private boolean autoCommit;

	private boolean readOnly;

	private int transactionIsolation = UNSET;

	// The pool default this connection reported while no level was set: setting it back (as Spring
	// does after a transaction with its own level) means "the pool's default" again, whichever pool.
	private int reportedDefaultIsolation = UNSET;

	private final SessionState session = new SessionState();

	private boolean closed;

	private boolean firstStatementPending;

	private boolean wroteInTransaction;

	// The writer connection a write found on a read-only node: retired when it goes back, whatever
	// the writer pool's retirement backoff (a connection opened while the pool was being retired
	// would otherwise be handed to every retry until the backoff ends).
	private @Nullable Connection demotedWriterConnection;

	// Savepoints taken on a reader before the transaction's first statement, to take again on the
	// writer if the reader turns out dead; created on the first such savepoint.
	private @Nullable List<RoutedSavepoint> pendingSavepoints;

	private @Nullable DatabaseMetaData metaData;

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
	 * @param statementPlan where a statement routed on its own goes, or {@code null} to plan from
	 * the transaction
	 */
	private Connection bind(@Nullable RoutePlan statementPlan) throws SQLException {
		checkOpen();
		RoutePlan plan = (statementPlan != null) ? statementPlan : transactionPlan();
		Connection connection = execute(plan);
		for (int tries = this.owner.getPlanner().readers().size(); tries > 0 && reportsPromotion(connection); tries--) {
			// Promoted since the monitor's last poll, as its connection says: the reader is excluded
			// now, so the read is planned again (another reader, or the writer).
			this.decision = null;
			connection.close();
			connection = execute((statementPlan != null) ? this.owner.planStatementAgain() : transactionPlanAgain());
		}
		try {
			applyState(connection, this.decision.route());
		}
		catch (SQLException | RuntimeException ex) {
			RouteDecision failed = this.decision;
			this.decision = null;
			this.session.detached();
			closeAfterFailure(connection, ex);
			// A driver that sends the transaction's settings at once (MariaDB Connector/J's
			// setAutoCommit) finds a dead reader here, before anything ran: the writer serves the
			// read, as when the first statement finds it dead.
			if (ex instanceof SQLException sqlException && failed.route().isReader()
					&& FailoverExceptions.isConnectionFailure(sqlException)) {
				try {
					return moveToWriter(this.owner.readerUnreachable(failed, sqlException));
				}
				catch (SQLException | RuntimeException writerFailure) {
					// The writer cannot serve either: keep why the reader was left.
					writerFailure.addSuppressed(sqlException);
					throw writerFailure;
				}
			}
			throw ex;
		}
		this.target = connection;
		this.firstStatementPending = this.decision.route().isReader();
		ConsistencyGuard guard = this.owner.consistency();
		if (guard != null && this.outcome != null) {
			guard.outcome(this.outcome);
		}
		this.owner.routed(this.decision);
		return connection;
	}

	/**
	 * Whether the bound decision is a reader's whose connection reports its server promoted (which
	 * excludes the reader), without a round trip.
	 */
	private boolean reportsPromotion(Connection connection) {
		RouteDecision current = this.decision;
		return current != null && current.route().isReader()
				&& this.owner.readerLeftRecovery(current.route(), connection);
	}

	private RoutePlan transactionPlan() {
		return this.owner.plan(isReadOnlyWork(), isInTransaction());
	}

	/**
	 * The same read planned again, without counting again what the scope's token asked.
	 */
	private RoutePlan transactionPlanAgain() {
		return this.owner.planAgain(isReadOnlyWork(), isInTransaction());
	}

	private boolean isReadOnlyWork() {
		return this.readOnly || TransactionSynchronizationManager.isCurrentTransactionReadOnly();
	}

	private boolean isInTransaction() {
		return !this.autoCommit || TransactionSynchronizationManager.isActualTransactionActive();
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	private Connection borrow(RouteDecision routeDecision) throws SQLException {
		Connection connection = routeDecision.route().dataSource().getConnection();
		this.decision = routeDecision;
		return connection;
	}

	/**
	 * Borrow from the planned reader; if its pool cannot give a connection, from the writer (or,
	 * while the writer pool is full, from another reader the planner names, one that shows the
	 * read's write if it must see one). Never an error because of a reader: the reader is kept from
	 * reads for a backoff, and the replica monitor excludes it until it is reachable again.
	 */
	private Connection borrowFromReader(RoutePlan plan) throws SQLException {
		RouteDecision readerDecision = plan.decision();
		try {
			return borrow(readerDecision);
		}
		catch (SQLException ex) {
			RouteDecision writerDecision = this.owner.readerUnreachable(readerDecision, ex);
			Connection other = readerWhileWriterPoolFull(readerDecision, plan.required());
			return (other != null) ? other : borrow(writerDecision);
		}
	}

	/**
	 * Carry out the planner's plan: borrow from its route, and when the plan asks for a check, ask
	 * the reader whether it has replayed the write (briefly waiting for it); if it has not, the
	 * planner sends the read to the writer. A plan that sends the read to the writer although a
	 * reader could serve it asks the readers first while the writer pool is full.
	 */
	private Connection execute(RoutePlan plan) throws SQLException {
		RouteDecision planned = plan.decision();
		ConsistencyGuard guard = this.owner.consistency();
		this.outcome = null;
		if (!planned.route().isReader()) {
			return borrowFromWriter(plan, guard);
		}
		ConsistencyToken.Entry check = plan.check();
		Connection connection = borrowFromReader(plan);
		if (this.decision != planned) {
			// Unreachable: the writer (no consistency outcome: the route says reader-down), or
			// another reader checked already (its check's outcome).
			return connection;
		}
		if (check == null || guard == null) {
			this.outcome = plan.outcome();
			return connection;
		}
		ReplicaCheck found;
		try {
			found = replayed(guard, connection, check, plan.expectedWaitNanos());
			if (found.hasReplayed()) {
				this.owner.checkPassed(plan, found.lagNanos());
				this.outcome = found.outcome();
				return connection;
			}
		}
		catch (SQLException ex) {
			// The reader connection failed before the read began (replayed closed it): the writer
			// serves the read, as for a reader that could not be borrowed from.
			return borrow(this.owner.readerUnreachable(planned, ex));
		}
		connection.close();
		return borrowFromWriter(this.owner.checkFailed(plan, found.lagNanos()), guard);
	}

	/**
	 * Carry out a writer plan; its consistency outcome counts only when the read does run on the
	 * writer (a reader taken instead counts its own check).
	 */
	private Connection borrowFromWriter(RoutePlan plan, @Nullable ConsistencyGuard guard) throws SQLException {
		RouteDecision passedOver = plan.passedOver();
		if (passedOver != null) {
			Connection reader = readerWhileWriterPoolFull(passedOver, plan.required());
			if (reader != null) {
				return reader;
			}
		}
		Connection connection = borrow(plan.decision());
		this.outcome = plan.outcome();
		return connection;
	}

	/**
	 * Fault containment for a full writer pool (issue 10): the readers the planner names are tried
	 * in turn ({@link ReadRoutePlanner#planWhileWriterPoolFull}). A read carrying a token takes a
	 * reader only once it shows the write, waiting for it {@link ConsistencyGuard#writerPoolFullWaitNanos()
	 * one monitor interval} at most in all, shared among the readers. Nothing changes while the
	 * writer pool has a free connection.
	 * @param passedOver the reader the read was planned for, or passed over for the writer
	 * @param required the write the read must see, or {@code null}
	 * @return a reader connection (and {@link #decision} set to it), or {@code null} to queue for the
	 * writer after all
	 */
	private @Nullable Connection readerWhileWriterPoolFull(RouteDecision passedOver,
			ConsistencyToken.@Nullable Entry required) throws SQLException {
		if (!this.owner.writerPoolFull()) {
			return null;
		}
		List<RoutePlan> detour = this.owner.planWhileWriterPoolFull(passedOver, required);
		ConsistencyGuard guard = this.owner.consistency();
		int count = detour.size();
		long deadline = System.nanoTime() + ((required != null && guard != null) ? guard.writerPoolFullWaitNanos() : 0);
		for (int i = 0; i < count; i++) {
			RoutePlan candidate = detour.get(i);
			try {
				Connection connection = borrow(candidate.decision());
				ConsistencyToken.Entry check = candidate.check();
				if (check == null || guard == null) {
					return connection;
				}
				long shareOfTheWait = Math.max(0, deadline - System.nanoTime()) / (count - i);
				ReplicaCheck found = replayed(guard, connection, check, 0, shareOfTheWait);
				if (found.hasReplayed()) {
					this.outcome = found.outcome();
					return connection;
				}
				connection.close();
			}
			catch (SQLException ex) {
				this.owner.readerUnreachable(candidate.decision(), ex);
			}
		}
		this.decision = null;
		return null;
	}

	/**
	 * Ask the replica in auto-commit mode, whatever its pool's default: in a transaction the check
	 * would begin the read's transaction, so that its snapshot (under REPEATABLE READ) predates the
	 * wait and its isolation level could no longer be set. The read's own state is applied after.
	 */
	private static ReplicaCheck replayed(ConsistencyGuard guard, Connection connection,
			ConsistencyToken.Entry required, long expectedWait) throws SQLException {
		return replayed(guard, connection, required, expectedWait, guard.maxWaitNanos());
	}

	private static ReplicaCheck replayed(ConsistencyGuard guard, Connection connection,
			ConsistencyToken.Entry required, long expectedWait, long maxWait) throws SQLException {
		try {
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			closeAfterFailure(connection, ex);
			throw ex;
		}
		return guard.awaitReplayed(connection, required, expectedWait, maxWait);
	}

	/**
	 * Replay the recorded state on a pooled connection just borrowed. Session state first, in
	 * auto-commit mode: the SET commands some drivers issue for it would otherwise open the
	 * transaction (and be undone by its rollback). Auto-commit last, as recorded.
	 */
	private void applyState(Connection connection, Route route) throws SQLException {
		if ((this.transactionIsolation != UNSET || this.session.isRecorded()) && !connection.getAutoCommit()) {
			connection.setAutoCommit(true);
		}
		// Reader pools hand out read-only connections already; only a read-only transaction on the
		// writer needs the flag.
		if (this.readOnly && !route.isReader()) {
			connection.setReadOnly(true);
		}
		if (this.transactionIsolation != UNSET) {
			connection.setTransactionIsolation(this.transactionIsolation);
		}
		if (this.session.isRecorded()) {
			this.session.apply(connection);
		}
		if (connection.getAutoCommit() != this.autoCommit) {
			connection.setAutoCommit(this.autoCommit);
		}
	}

	/**
	 * Give the pooled connection back once a Spring-managed transaction ended on it. The transaction
	 * is over whatever happens now: a failure to give the connection back (a pool's reset of a
	 * connection whose server just went away) is logged, never reported as the transaction's failure.
	 */
	private void transactionEnded() {
		this.wroteInTransaction = false;
		this.pendingSavepoints = null;
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			RouteDecision current = this.decision;
			try {
				release();
			}
			catch (SQLException | RuntimeException ex) {
				if (logger.isWarnEnabled()) {
					logger.warn("rw-routing could not give a connection back to pool "
							+ ((current != null) ? current.route().poolName() : "?") + " cleanly after its transaction ended ("
							+ ex.getClass().getSimpleName() + ", SQLState " + sqlState(ex)
							+ "); the transaction's outcome is not affected");
				}
				if (logger.isDebugEnabled()) {
					logger.debug("Connection release failure", ex);
				}
			}
		}
	}

	private static @Nullable String sqlState(Throwable ex) {
		return (ex instanceof SQLException sqlException) ? sqlException.getSQLState() : null;
	}

	private void release() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			// The COMMIT's answer carries what the server reports of itself: a reader promoted
			// meanwhile is excluded before the next read binds to it.
			reportsPromotion(connection);
			RouteDecision current = this.decision;
			this.target = null;
			this.decision = null;
			this.firstStatementPending = false;
			this.pendingSavepoints = null;
			try {
				restoreSessionState(connection);
			}
			finally {
				connection.close();
				if (connection == this.demotedWriterConnection) {
					this.demotedWriterConnection = null;
					retire(connection, current);
				}
			}
		}
	}

	/**
	 * Have the pool close a connection instead of handing it out again (Hikari closes it now when
	 * it is still borrowed by us or idle, else when its next borrower returns it).
	 */
	private static void retire(Connection pooled, @Nullable RouteDecision decision) {
		if (decision != null && decision.route().dataSource() instanceof HikariDataSource pool) {
			pool.evictConnection(pooled);
		}
	}

	/**
	 * Take the session state the application set back off the pooled connection, outside any
	 * transaction (a rollback would undo it), so that the next borrower does not inherit it. A
	 * failure only means the connection is broken: the pool evicts it on close.
	 */
	private void restoreSessionState(Connection connection) {
		if (!this.session.isRecorded()) {
			return;
		}
		try {
			if (!connection.getAutoCommit()) {
				// The pool resets auto-commit itself; in manual commit mode the restoring SET commands
				// would open a transaction the pool does not know about.
				connection.rollback();
				connection.setAutoCommit(true);
			}
			this.session.restore(connection);
		}
		catch (SQLException ex) {
			this.session.detached();
			logger.debug("Could not restore the session state of a pooled connection", ex);
		}
	}

	private static void closeAfterFailure(Connection connection, Throwable failure) {
		try {
			connection.close();
		}
		catch (SQLException closeFailure) {
			failure.addSuppressed(closeFailure);
		}
	}

	// Statements. The factories of the plain overloads capture nothing, so they are allocated once.
	// With rw-routing.non-transactional=auto, a statement outside a transaction is routed on its own
	// by its SQL; a plain createStatement() has none yet and binds when it is executed.

	private Statement statement(StatementFactory<Statement> factory) throws SQLException {
		if (routesEachStatement()) {
			return new RoutedStatement<>(this, factory);
		}
		Statement created = create(transactionTarget(), null, factory);
		return new RoutedStatement<>(this, this.decision, created, null, factory, null, false);
	}

	/**
	 * Create a statement of the transaction. MariaDB Connector/J fails at once on a connection
	 * closed under it (its node found frozen and the reader pool aborted, or dead): before the
	 * transaction's first statement, the transaction moves to the writer, as when that statement
	 * finds the reader dead.
	 */
	private <S extends Statement> S create(Connection connection, @Nullable String sql, StatementFactory<S> factory)
			throws SQLException {
		try {
			return factory.create(connection, sql);
		}
		catch (SQLException ex) {
			Connection writer = FailoverExceptions.isConnectionFailure(ex) ? readerFailed(ex) : null;
			if (writer == null) {
				throw ex;
			}
			return factory.create(writer, sql);
		}
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
		PreparedStatement created = create(transactionTarget(), sql, factory);
		return new RoutedPreparedStatement<>(this, this.decision, created, sql, factory, null, false);
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
		CallableStatement created = create(transactionTarget(), sql, factory);
		return new RoutedCallableStatement(this, this.decision, created, sql, factory, null, false);
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
		return this.owner.getPlanner().routesEachStatement() && this.autoCommit && !this.readOnly
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
		connection = bind(this.owner.planStatement(reads));
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
		Connection writer = bind(this.owner.writeRefusedPlan());
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
		this.demotedWriterConnection = this.target;
		this.owner.writerDemoted();
		return true;
	}

	boolean isFirstStatementPending() {
		return this.firstStatementPending;
	}

	/**
	 * The read-only flag as set on this connection, without the open check of {@link #isReadOnly()}.
	 */
	boolean readOnlyFlag() {
		return this.readOnly;
	}

	void firstStatementExecuted() {
		this.firstStatementPending = false;
		this.pendingSavepoints = null;
	}

	/**
	 * The route this connection is bound to.
	 */
	Route route() {
		return this.decision.route();
	}

	/**
	 * The pooled connection this connection is bound to, or {@code null}.
	 */
	@Nullable Connection boundTarget() {
		return this.target;
	}

	/**
	 * The metadata of the pooled connection, binding now if needed: for catalog queries.
	 */
	DatabaseMetaData boundMetaData() throws SQLException {
		return target().getMetaData();
	}

	/**
	 * The reader died before the transaction's first statement could run: move the transaction to
	 * the writer, with the session state and the savepoints taken so far. Returns the writer
	 * connection, or {@code null} when something already ran on the reader and the transaction
	 * cannot move.
	 */
	@Nullable Connection readerFailed(SQLException ex) throws SQLException {
		Connection dead = this.target;
		if (!this.firstStatementPending || dead == null || !this.decision.route().isReader()) {
			return null;
		}
		this.target = null;
		this.session.detached();
		try {
			dead.close();
		}
		catch (SQLException closeFailure) {
			ex.addSuppressed(closeFailure);
		}
		return moveToWriter(this.owner.readerUnreachable(this.decision, ex));
	}

	/**
	 * Whether the reader reported, with the answer to the transaction's first statement, that it
	 * was promoted: then that statement must run again on the writer ({@link #readerLeftRecovery()}),
	 * since it may have read the promoted node's own data. Without a round trip.
	 */
	boolean firstStatementRanOnPromotedReader() {
		Connection connection = this.target;
		return this.firstStatementPending && connection != null && reportsPromotion(connection);
	}

	/**
	 * The reader turned out promoted when the transaction's first statement ran: move the
	 * transaction to the writer, as for a reader that died then. The reader's connection is sound
	 * and goes back to its pool (its transaction rolled back).
	 */
	Connection readerLeftRecovery() throws SQLException {
		Connection promoted = this.target;
		this.target = null;
		try {
			restoreSessionState(promoted);
			promoted.close();
		}
		catch (SQLException ex) {
			logger.debug("Could not give a connection of a promoted reader back", ex);
		}
		return moveToWriter(this.owner.getPlanner().writerDecision(RouteReason.READER_DOWN));
	}

	private Connection moveToWriter(RouteDecision writerDecision) throws SQLException {
		Connection writer = writerDecision.route().dataSource().getConnection();
		try {
			applyState(writer, writerDecision.route());
			List<RoutedSavepoint> savepoints = this.pendingSavepoints;
			if (savepoints != null) {
				for (RoutedSavepoint savepoint : savepoints) {
					savepoint.takeAgainOn(writer);
				}
			}
		}
		catch (SQLException | RuntimeException failure) {
			this.session.detached();
			closeAfterFailure(writer, failure);
			this.decision = null;
			this.pendingSavepoints = null;
			throw failure;
		}
		this.target = writer;
		this.decision = writerDecision;
		this.firstStatementPending = false;
		this.pendingSavepoints = null;
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
		checkOpen();
		Connection connection = this.target;
		// The driver translates escapes without the server: a pooled connection lent for it is enough.
		return (connection != null) ? connection.nativeSQL(sql)
				: this.owner.poolDefaults().withAnyConnection((pooled) -> pooled.nativeSQL(sql));
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setAutoCommit(autoCommit);
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		checkOpen();
		return this.autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection == null) {
			return;
		}
		boolean wroteNothing = wroteNothing();
		try {
			if (this.wroteInTransaction && this.owner.consistency() != null) {
				this.owner.consistency().commitWritten(connection);
			}
			else {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			if (FailoverExceptions.isConnectionFailure(ex)) {
				SQLException lost = commitLost(ex, wroteNothing);
				transactionEnded();
				if (lost == null) {
					return;
				}
				throw lost;
			}
			transactionEnded();
			throw ex;
		}
		transactionEnded();
	}

	/**
	 * Whether the transaction cannot have written: it ran on a reader, was read-only (pgjdbc runs
	 * it as {@code BEGIN READ ONLY}), or, with consistency on (which sees every write), wrote
	 * nothing.
	 */
	private boolean wroteNothing() {
		RouteDecision current = this.decision;
		return (current != null && current.route().isReader()) || this.readOnly
				|| (this.owner.consistency() != null && !this.wroteInTransaction);
	}

	/**
	 * The connection was lost during COMMIT. A transaction that wrote may or may not have
	 * committed: say so (08007), so that nobody re-runs it blindly. One that wrote nothing has no
	 * unknown outcome: it completes, except under SERIALIZABLE, where the server might have failed
	 * the commit to keep what it read serializable, so it fails with a connection error to run again.
	 */
	private @Nullable SQLException commitLost(SQLException ex, boolean wroteNothing) throws SQLException {
		if (!wroteNothing) {
			return new SQLTransientConnectionException("The connection was lost while committing: the transaction "
					+ "may or may not have committed", FailoverExceptions.TRANSACTION_RESOLUTION_UNKNOWN, ex);
		}
		if (getTransactionIsolationQuietly() == TRANSACTION_SERIALIZABLE) {
			return new SQLTransientConnectionException("The connection was lost while committing a serializable "
					+ "transaction that wrote nothing: nothing was written, run it again", "08006", ex);
		}
		logger.debug("The connection was lost while committing a transaction that wrote nothing; it completes", ex);
		return null;
	}

	private int getTransactionIsolationQuietly() {
		return (this.transactionIsolation != UNSET) ? this.transactionIsolation
				: (this.reportedDefaultIsolation != UNSET) ? this.reportedDefaultIsolation : UNSET;
	}

	@Override
	public void rollback() throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection == null) {
			return;
		}
		try {
			connection.rollback();
		}
		finally {
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

	/**
	 * Abort as a pool would: the pooled connection is retired (its physical connection closed, its
	 * slot freed) instead of returned, and this connection is closed.
	 */
	@Override
	public void abort(Executor executor) throws SQLException {
		if (executor == null) {
			throw new SQLException("abort needs an executor", "22023");
		}
		this.closed = true;
		Connection connection = this.target;
		RouteDecision current = this.decision;
		if (connection == null) {
			return;
		}
		this.target = null;
		this.decision = null;
		this.pendingSavepoints = null;
		this.session.detached();
		retire(connection, current);
		try {
			connection.abort(executor);
		}
		catch (SQLException ex) {
			logger.debug("Could not abort a pooled connection", ex);
		}
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			// Aborted, and evicted by the pool already. Hikari's reset on close can race the abort running on
			// the executor (NullPointerException on the closed delegate, seen in CI): nothing is left to give back.
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		Connection connection = this.target;
		return this.closed || (connection != null && connection.isClosed());
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		checkOpen();
		DatabaseMetaData current = this.metaData;
		if (current == null) {
			current = RoutedMetaData.of(this, this.owner.poolDefaults());
			this.metaData = current;
		}
		return current;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null && !this.decision.route().isReader()) {
			connection.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		checkOpen();
		return this.readOnly;
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setCatalog(catalog);
		}
		this.session.catalog(catalog);
	}

	@Override
	public String getCatalog() throws SQLException {
		checkOpen();
		if (this.session.isCatalogSet()) {
			return this.session.catalog();
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getCatalog() : expected().catalog();
	}

	/**
	 * A fresh connection of the pool this connection is expected to bind to.
	 */
	private PoolDefaults.PoolSnapshot expected() {
		return this.owner.poolDefaults()
			.expected(this.readOnly || TransactionSynchronizationManager.isCurrentTransactionReadOnly());
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setTransactionIsolation(level);
		}
		this.transactionIsolation = (level == this.reportedDefaultIsolation) ? UNSET : level;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		checkOpen();
		if (this.transactionIsolation != UNSET) {
			return this.transactionIsolation;
		}
		Connection connection = this.target;
		int isolation = (connection != null) ? connection.getTransactionIsolation() : expected().transactionIsolation();
		this.reportedDefaultIsolation = isolation;
		return isolation;
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		checkOpen();
		Connection connection = this.target;
		return (connection != null) ? connection.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.clearWarnings();
		}
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		checkOpen();
		Map<String, Class<?>> recorded = this.session.typeMap();
		if (recorded != null) {
			return recorded;
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getTypeMap() : expected().typeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setTypeMap(map);
		}
		this.session.typeMap(map);
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setHoldability(holdability);
		}
		this.session.holdability(holdability);
	}

	@Override
	public int getHoldability() throws SQLException {
		checkOpen();
		if (this.session.holdability() != UNSET) {
			return this.session.holdability();
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getHoldability() : expected().holdability();
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		return savepoint(null);
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		return savepoint(name);
	}

	/**
	 * A savepoint taken before a reader's first statement is kept, to be taken again on the writer
	 * if the reader turns out dead; one that finds the reader dead moves the transaction there.
	 */
	private Savepoint savepoint(@Nullable String name) throws SQLException {
		Connection connection = target();
		Savepoint savepoint;
		try {
			savepoint = RoutedSavepoint.take(connection, name);
		}
		catch (SQLException ex) {
			Connection writer = FailoverExceptions.isConnectionFailure(ex) ? readerFailed(ex) : null;
			if (writer == null) {
				throw ex;
			}
			savepoint = RoutedSavepoint.take(writer, name);
		}
		RoutedSavepoint routed = new RoutedSavepoint(savepoint, name);
		if (this.firstStatementPending) {
			if (this.pendingSavepoints == null) {
				this.pendingSavepoints = new ArrayList<>(2);
			}
			this.pendingSavepoints.add(routed);
		}
		return routed;
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		target().rollback(RoutedSavepoint.target(savepoint));
		// A rollback to a savepoint destroys the savepoints taken after it.
		forgetPendingAfter(savepoint, false);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		target().releaseSavepoint(RoutedSavepoint.target(savepoint));
		forgetPendingAfter(savepoint, true);
	}

	private void forgetPendingAfter(Savepoint savepoint, boolean inclusive) {
		List<RoutedSavepoint> savepoints = this.pendingSavepoints;
		int index = (savepoints != null) ? savepoints.indexOf(savepoint) : -1;
		if (index >= 0) {
			savepoints.subList(inclusive ? index : index + 1, savepoints.size()).clear();
		}
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

	/**
	 * Not bound: valid while open, since binding borrows a connection its pool validated.
	 */
	@Override
	public boolean isValid(int timeout) throws SQLException {
		if (timeout < 0) {
			throw new SQLException("timeout must not be negative", "22023");
		}
		if (this.closed) {
			return false;
		}
		Connection connection = this.target;
		return connection == null || connection.isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		if (this.closed) {
			throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
		}
		Connection connection = this.target;
		if (connection != null) {
			connection.setClientInfo(name, value);
		}
		this.session.clientInfo(name, value);
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		if (this.closed) {
			throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
		}
		Connection connection = this.target;
		if (connection != null) {
			connection.setClientInfo(properties);
		}
		this.session.clientInfo(properties);
	}

	@Override
	public @Nullable String getClientInfo(String name) throws SQLException {
		checkOpen();
		if (this.session.knowsClientInfo(name)) {
			return this.session.clientInfo(name);
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getClientInfo(name) : expected().clientInfo().getProperty(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		checkOpen();
		Connection connection = this.target;
		return (connection != null) ? connection.getClientInfo() : this.session.clientInfoOver(expected().clientInfo());
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
		checkOpen();
		Connection connection = this.target;
		if (connection != null) {
			connection.setSchema(schema);
		}
		this.session.schema(schema);
	}

	@Override
	public @Nullable String getSchema() throws SQLException {
		checkOpen();
		if (this.session.isSchemaSet()) {
			return this.session.schema();
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getSchema() : expected().schema();
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		checkOpen();
		if (milliseconds < 0) {
			throw new SQLException("network timeout must not be negative", "22023");
		}
		Connection connection = this.target;
		if (connection != null) {
			connection.setNetworkTimeout(executor, milliseconds);
		}
		this.session.networkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		checkOpen();
		if (this.session.networkTimeout() != UNSET) {
			return this.session.networkTimeout();
		}
		Connection connection = this.target;
		return (connection != null) ? connection.getNetworkTimeout() : expected().networkTimeout();
	}

	/**
	 * This connection, or a driver interface of the pooled connection (binding now if needed), usable
	 * only while this connection stays bound to it. A class cannot be guarded that way, so it is
	 * refused. Writes through the driver's API are not seen: in a transaction on the writer the
	 * commit position is captured as if the transaction wrote.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		if (!iface.isInterface()) {
			throw new SQLException("rw-routing unwraps a connection to driver interfaces only (for example "
					+ "org.postgresql.PGConnection), not to class " + iface.getName()
					+ ": an instance of it would outlive the pooled connection behind it");
		}
		Connection connection = target();
		T driver = connection.unwrap(iface);
		if (!this.decision.route().isReader() && !this.autoCommit) {
			this.wroteInTransaction = true;
		}
		return RoutedMetaData.driverView(iface, driver, this, connection);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return true;
		}
		Connection connection = this.target;
		return (connection != null) ? connection.isWrapperFor(iface) : this.owner.poolDefaults().isWrapperFor(iface);
	}

	@Override
	public String toString() {
		RouteDecision current = this.decision;
		return "RoutedConnection[" + ((current != null) ? current : "not routed yet") + "]";
	}

}
