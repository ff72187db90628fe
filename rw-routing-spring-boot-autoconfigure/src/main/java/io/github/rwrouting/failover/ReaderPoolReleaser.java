package io.github.rwrouting.failover;

import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.rwrouting.topology.NodeState;
import io.github.rwrouting.topology.NodeStatus;
import io.github.rwrouting.topology.ReaderDownListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Releases a reader pool once the replica monitor found its node frozen or dead: idle connections
 * are retired, and every connection still in use is aborted, so that reads waiting on the node fail
 * at once (and move to the writer when nothing ran on the reader yet) instead of waiting for the
 * network to give up. The monitor has excluded the reader already, so no new read picks it; its
 * pool opens new connections once the node answers again.
 * <p>
 * This bounds waiting on a dead reader without a socket timeout on reader connections, which would
 * also kill a long report query on a healthy one.
 *
 * @author rw-routing
 */
public class ReaderPoolReleaser implements ReaderDownListener {

	private static final Log logger = LogFactory.getLog(ReaderPoolReleaser.class);

	private final Map<String, ? extends DataSource> readerPools;

	/**
	 * Create a releaser.
	 * @param readerPools the reader pools, by reader name
	 */
	public ReaderPoolReleaser(Map<String, ? extends DataSource> readerPools) {
		this.readerPools = Map.copyOf(readerPools);
	}

	@Override
	public void readerDown(NodeState reader, NodeStatus status) {
		if (!(this.readerPools.get(reader.name()) instanceof HikariDataSource pool)) {
			return;
		}
		HikariPoolMXBean bean = pool.getHikariPoolMXBean();
		int active = (bean != null) ? bean.getActiveConnections() : 0;
		if (bean != null) {
			bean.softEvictConnections();
		}
		ReaderConnections connections = (pool.getDataSource() instanceof ReaderConnections tracked) ? tracked : null;
		if (connections != null) {
			stopRefilling(pool, connections);
		}
		int aborted = (connections != null) ? connections.abortAll() : 0;
		if (aborted > 0 || active > 0) {
			logger.warn("rw-routing released pool " + pool.getPoolName() + " after the monitor lost its node ("
					+ status.error() + "): " + aborted + " open connections aborted, " + active
					+ " connections in use by reads; reads that had not run yet move to the writer");
		}
	}

	/**
	 * Hikari refills a pool below its minimum-idle on its own, and after each failed connect it
	 * waits longer before the next (doubling up to 5 s): after an outage of a few seconds its next
	 * attempt can come seconds after the node is back, and the reads that meet the empty pool then
	 * time out and exclude the reader again (seen: reads back 3.9 s after a killed replica had caught
	 * up). So while the node is down the pool does not refill on its own (minimum-idle 0, restored by
	 * the first connection opened again): no reads reach an excluded reader, and the first one after
	 * it rejoins has its connection opened at once.
	 */
	private static void stopRefilling(HikariDataSource pool, ReaderConnections connections) {
		HikariConfigMXBean config = pool.getHikariConfigMXBean();
		int minimumIdle = config.getMinimumIdle();
		if (minimumIdle > 0) {
			config.setMinimumIdle(0);
			connections.onReconnect(() -> config.setMinimumIdle(minimumIdle));
		}
	}

}
