package io.github.rwrouting.failover;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.routing.WriterDemotionListener;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.WriterRoleListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Retires the writer pool's connections when its node stopped being the primary: Hikari evicts a
 * connection only for connection errors, so after a failover it would keep handing out connections
 * to the demoted node, whose every write fails with "read-only transaction". Soft eviction closes
 * idle connections now and busy ones when they are returned; new ones resolve the cluster endpoint
 * again and reach the new primary.
 *
 * @author rw-routing
 */
public class WriterPoolEvictor implements WriterRoleListener, WriterDemotionListener {

	private static final Log logger = LogFactory.getLog(WriterPoolEvictor.class);

	// A demoted writer is seen by every failing write and every poll: one eviction per interval is enough.
	private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final HikariDataSource writerPool;

	private final AtomicLong lastEviction = new AtomicLong(System.nanoTime() - MIN_INTERVAL_NANOS);

	private final AtomicLong evictions = new AtomicLong();

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

	private void evict(String why) {
		long now = System.nanoTime();
		long last = this.lastEviction.get();
		if (now - last < MIN_INTERVAL_NANOS || !this.lastEviction.compareAndSet(last, now)) {
			return;
		}
		HikariPoolMXBean pool = this.writerPool.getHikariPoolMXBean();
		if (pool != null) {
			pool.softEvictConnections();
			this.evictions.incrementAndGet();
			logger.warn("rw-routing retired the connections of pool " + this.writerPool.getPoolName() + ": " + why);
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
