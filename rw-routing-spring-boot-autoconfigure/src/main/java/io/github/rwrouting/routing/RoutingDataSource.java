package io.github.rwrouting.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.DatabaseDialect;
import io.github.rwrouting.topology.WriterDemotionListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The application's {@link DataSource}: hands out connections that pick their pool only when the
 * first statement runs, once Spring has marked the transaction read-only or not. A read-only
 * transaction runs on a reader, everything else on the writer (see {@link ReadRoutePlanner}).
 * <p>
 * Deferring the physical connection is what makes routing correct with
 * {@code DataSourceTransactionManager} and {@code JpaTransactionManager}, which both fetch the
 * connection before the transaction's read-only flag is known.
 *
 * @author rw-routing
 */
public class RoutingDataSource implements DataSource {

	private static final Log logger = LogFactory.getLog(RoutingDataSource.class);

	private static final long READER_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final ReadRoutePlanner planner;

	private final RouteListener[] listeners;

	private final boolean defaultAutoCommit;

	private final @Nullable ConsistencyGuard consistency;

	// The same guard, counting nothing: for planning a read again.
	private final @Nullable ConsistencyGuard replanning;

	private final WriterDemotionListener[] demotionListeners;

	private final PoolDefaults poolDefaults;

	private final RoutePlan writeRefusedPlan;

	private final @Nullable ClusterState cluster;

	// Under an outage every read would warn: one line per interval is enough, the metrics count them all.
	private volatile long lastReaderWarning = System.nanoTime() - READER_WARNING_INTERVAL_NANOS;

	/**
	 * Create a routing data source.
	 * @param planner where connections go
	 * @param listeners told of every routing decision
	 * @param defaultAutoCommit the auto-commit mode of a fresh pooled connection
	 */
	public RoutingDataSource(ReadRoutePlanner planner, List<RouteListener> listeners, boolean defaultAutoCommit) {
		this(planner, listeners, defaultAutoCommit, null);
	}

	/**
	 * Create a routing data source with read-after-write consistency.
	 * @param planner where connections go
	 * @param listeners told of every routing decision
	 * @param defaultAutoCommit the auto-commit mode of a fresh pooled connection
	 * @param consistency read-after-write consistency, or {@code null} for none
	 */
	public RoutingDataSource(ReadRoutePlanner planner, List<RouteListener> listeners, boolean defaultAutoCommit,
			@Nullable ConsistencyGuard consistency) {
		this(planner, listeners, defaultAutoCommit, consistency, List.of());
	}

	/**
	 * Create a routing data source with read-after-write consistency and writer demotion handling.
	 * @param planner where connections go
	 * @param listeners told of every routing decision
	 * @param defaultAutoCommit the auto-commit mode of a fresh pooled connection
	 * @param consistency read-after-write consistency, or {@code null} for none
	 * @param demotionListeners told when a write finds the writer pool on a read-only node
	 */
	public RoutingDataSource(ReadRoutePlanner planner, List<RouteListener> listeners, boolean defaultAutoCommit,
			@Nullable ConsistencyGuard consistency, List<WriterDemotionListener> demotionListeners) {
		this(planner, listeners, defaultAutoCommit, consistency, demotionListeners, null);
	}

	/**
	 * Create a routing data source with read-after-write consistency, writer demotion handling, and
	 * the cluster state whose dialect tells a reader connection that reports a promotion.
	 * @param planner where connections go
	 * @param listeners told of every routing decision
	 * @param defaultAutoCommit the auto-commit mode of a fresh pooled connection
	 * @param consistency read-after-write consistency, or {@code null} for none
	 * @param demotionListeners told when a write finds the writer pool on a read-only node
	 * @param cluster the cluster state the planner's nodes belong to, or {@code null} to leave
	 * promotions to the replica monitor alone
	 */
	public RoutingDataSource(ReadRoutePlanner planner, List<RouteListener> listeners, boolean defaultAutoCommit,
			@Nullable ConsistencyGuard consistency, List<WriterDemotionListener> demotionListeners,
			@Nullable ClusterState cluster) {
		Assert.notNull(planner, "'planner' must not be null");
		this.cluster = cluster;
		this.planner = planner;
		this.listeners = listeners.toArray(new RouteListener[0]);
		this.defaultAutoCommit = defaultAutoCommit;
		// A guard in mode none neither captures nor constrains: the same as none at all.
		this.consistency = (consistency != null && consistency.capturesWrites()) ? consistency : null;
		this.replanning = (this.consistency != null) ? this.consistency.withoutListeners() : null;
		this.demotionListeners = demotionListeners.toArray(new WriterDemotionListener[0]);
		this.poolDefaults = new PoolDefaults(planner);
		this.writeRefusedPlan = planner.writerPlan(RouteReason.WRITE_REFUSED);
	}

	@Override
	public Connection getConnection() {
		return new RoutedConnection(this);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"rw-routing pools use the credentials they were configured with; use getConnection()");
	}

	/**
	 * The read-route planner.
	 * @return the planner
	 */
	public ReadRoutePlanner getPlanner() {
		return this.planner;
	}

	/**
	 * The writer pool, for work that must reach the primary whatever the routing rules say
	 * (schema migrations, for instance).
	 * @return the writer data source
	 */
	public DataSource getWriterDataSource() {
		return this.planner.writer().dataSource();
	}

	@Nullable ConsistencyGuard consistency() {
		return this.consistency;
	}

	void writerDemoted() {
		for (WriterDemotionListener listener : this.demotionListeners) {
			listener.writerDemoted();
		}
	}

	RoutePlan plan(boolean readOnly, boolean inTransaction) {
		return this.planner.plan(readOnly, inTransaction, this.consistency);
	}

	RoutePlan planStatement(boolean plainRead) {
		return this.planner.planStatement(plainRead, this.consistency);
	}

	/**
	 * Plan a read again (its reader turned out promoted): what the scope's token asks was counted
	 * when it was first planned.
	 */
	RoutePlan planAgain(boolean readOnly, boolean inTransaction) {
		return this.planner.plan(readOnly, inTransaction, this.replanning);
	}

	RoutePlan planStatementAgain() {
		return this.planner.planStatement(true, this.replanning);
	}

	void checkPassed(RoutePlan plan, long lagNanos) {
		if (this.consistency != null) {
			this.planner.checkPassed(plan, this.consistency, lagNanos);
		}
	}

	RoutePlan checkFailed(RoutePlan plan, long lagNanos) {
		return (this.consistency != null) ? this.planner.checkFailed(plan, this.consistency, lagNanos)
				: this.planner.writerPlan(RouteReason.CONSISTENCY);
	}

	RoutePlan writeRefusedPlan() {
		return this.writeRefusedPlan;
	}

	RouteDecision readerUnreachable(RouteDecision failed, SQLException ex) {
		RouteDecision writer = this.planner.readerUnreachable(failed.route());
		long now = System.nanoTime();
		if (now - this.lastReaderWarning > READER_WARNING_INTERVAL_NANOS && logger.isWarnEnabled()) {
			this.lastReaderWarning = now;
			logger.warn("rw-routing could not use " + failed.route().poolName() + " (" + ex.getClass().getSimpleName()
					+ ", SQLState " + ex.getSQLState() + "); the transaction runs on the writer instead"
					+ " (on another reader while the writer pool is full)");
		}
		return writer;
	}

	/**
	 * Whether no read may run on a reader connection because it reports its server promoted since
	 * the monitor last saw it as a replica (see {@link io.github.rwrouting.topology.NodeState#reportedNotInRecovery()},
	 * which excludes the reader then). No round trip: the dialect reads what the driver last heard.
	 * @param reader the reader's route
	 * @param connection a connection of its pool
	 * @return {@code true} if the read must run elsewhere
	 */
	boolean readerLeftRecovery(Route reader, Connection connection) {
		ClusterState state = this.cluster;
		DatabaseDialect dialect = (state != null) ? state.dialect() : null;
		return dialect != null && dialect.reportsLeftRecovery(connection) && reader.node().reportedNotInRecovery();
	}

	/**
	 * Whether a borrow from the writer pool would wait: it has no idle connection and may open no
	 * more. Only Hikari pools tell; any other pool is taken to have room. Asked only for a read
	 * about to go to the writer instead of a reader, never on the plain path.
	 */
	boolean writerPoolFull() {
		if (this.planner.writer().dataSource() instanceof HikariDataSource pool) {
			HikariPoolMXBean state = pool.getHikariPoolMXBean();
			return state != null && state.getIdleConnections() == 0
					&& state.getTotalConnections() >= pool.getMaximumPoolSize();
		}
		return false;
	}

	List<RoutePlan> planWhileWriterPoolFull(RouteDecision passedOver, ConsistencyToken.@Nullable Entry required) {
		return this.planner.planWhileWriterPoolFull(passedOver, required, this.consistency);
	}

	void routed(RouteDecision decision) {
		for (RouteListener listener : this.listeners) {
			listener.routed(decision);
		}
	}

	boolean defaultAutoCommit() {
		return this.defaultAutoCommit;
	}

	/**
	 * What fresh pooled connections and the database's metadata look like, learned once.
	 */
	PoolDefaults poolDefaults() {
		return this.poolDefaults;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException("RoutingDataSource is not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		throw new SQLFeatureNotSupportedException("setLogWriter");
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		throw new SQLFeatureNotSupportedException("setLoginTimeout: configure connection-timeout on the pools");
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException("getParentLogger");
	}

	@Override
	public String toString() {
		return "RoutingDataSource[writer=" + this.planner.writer() + ", readers=" + this.planner.readers() + "]";
	}

}
