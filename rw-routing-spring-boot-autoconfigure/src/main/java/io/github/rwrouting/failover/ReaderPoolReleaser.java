package io.github.rwrouting.failover;

import java.util.Map;

import javax.sql.DataSource;

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
		int aborted = (pool.getDataSource() instanceof ReaderConnections connections) ? connections.abortAll() : 0;
		if (aborted > 0 || active > 0) {
			logger.warn("rw-routing released pool " + pool.getPoolName() + " after the monitor lost its node ("
					+ status.error() + "): " + aborted + " connections aborted, " + active
					+ " of them in use; reads that had not run yet move to the writer");
		}
	}

}
