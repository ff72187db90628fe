package io.github.rwrouting.failover;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.WriterDemotionListener;
import io.github.rwrouting.topology.WriterRoleListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Retires the writer pool's connections when its node stopped being the primary: Hikari evicts a
 * connection only for connection errors, so after a failover it would keep handing out connections
 * to the demoted node, whose every write fails with "read-only transaction". Soft eviction closes
 * idle connections now and busy ones when they are returned; new ones resolve the cluster endpoint
 * again and reach the new primary.
 * <p>
 * Once per role change, then with a backoff: a writer URL that keeps reaching a standby (a
 * misconfiguration, a DNS entry that has not moved yet) is seen by every poll and every failing
 * write, and retiring the pool at each of them would only churn sessions. The first retirement of a
 * role change is logged as a warning, later ones at most once a minute.
 *
 * @author rw-routing
 */
public class WriterPoolEvictor implements WriterRoleListener, WriterDemotionListener {

	private static final Log logger = LogFactory.getLog(WriterPoolEvictor.class);

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final HikariDataSource writerPool;

	private final AtomicLong evictions = new AtomicLong();

	// Guarded by this: taken only when the writer reaches a replica.
	private boolean demoted;

	private long nextEvictionNanos;

	private long backoffNanos = FIRST_BACKOFF_NANOS;

	private long lastWarningNanos;

	private long lastSignalNanos;

	private long evictionsSinceWarning;

	/**
	 * Create an evictor.
	 * @param writerPool the writer pool
	 */
	public WriterPoolEvictor(HikariDataSource writerPool) {
		this.writerPool = writerPool;
	}

	@Override
	public void writerDemoted(NodeStatus status) {
		evict("the replica monitor saw the writer's node in recovery");
	}

	@Override
	public void writerDemoted() {
		evict("a write failed with a read-only error");
	}

	@Override
	public synchronized void writerRestored(NodeStatus status) {
		if (this.demoted) {
			logger.info("rw-routing: the writer pool " + this.writerPool.getPoolName() + " reaches the primary again");
		}
		this.demoted = false;
		this.backoffNanos = FIRST_BACKOFF_NANOS;
		this.nextEvictionNanos = 0;
	}

	private void evict(String why) {
		long now = System.nanoTime();
		boolean firstOfRoleChange;
		boolean warn;
		long skipped;
		synchronized (this) {
			// Without a monitor nothing says the writer is the primary again: a long quiet time does.
			firstOfRoleChange = !this.demoted || now - this.lastSignalNanos > 2 * MAX_BACKOFF_NANOS;
			this.lastSignalNanos = now;
			if (!firstOfRoleChange && now - this.nextEvictionNanos < 0) {
				return;
			}
			this.demoted = true;
			this.nextEvictionNanos = now + (firstOfRoleChange ? FIRST_BACKOFF_NANOS : this.backoffNanos);
			this.backoffNanos = firstOfRoleChange ? FIRST_BACKOFF_NANOS
					: Math.min(this.backoffNanos * 2, MAX_BACKOFF_NANOS);
			this.evictionsSinceWarning++;
			warn = firstOfRoleChange || now - this.lastWarningNanos >= WARNING_INTERVAL_NANOS;
			skipped = this.evictionsSinceWarning;
			if (warn) {
				this.lastWarningNanos = now;
				this.evictionsSinceWarning = 0;
			}
		}
		HikariPoolMXBean pool = this.writerPool.getHikariPoolMXBean();
		if (pool == null) {
			return;
		}
		pool.softEvictConnections();
		this.evictions.incrementAndGet();
		String message = "rw-routing retired the connections of pool " + this.writerPool.getPoolName() + ": " + why;
		if (warn) {
			logger.warn(firstOfRoleChange ? message
					: message + "; the writer still reaches a replica (" + skipped + " retirements since the last "
							+ "warning): check spring.datasource.url points at the primary or the cluster endpoint");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	/**
	 * How many times the writer pool's connections were retired.
	 * @return the count
	 */
	public long evictions() {
		return this.evictions.get();
	}

}
