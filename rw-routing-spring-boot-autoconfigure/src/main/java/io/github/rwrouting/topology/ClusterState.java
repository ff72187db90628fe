package io.github.rwrouting.topology;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What is known of the cluster: its dialect, the writer's identity (cluster and timeline) and the
 * state of each node. The replica monitor writes it; the read-route planner, the consistency guard,
 * health, metrics and the failover handlers read it. Without a monitor the nodes keep serving reads
 * and the identity is read once on a writer connection.
 *
 * @author rw-routing
 */
public final class ClusterState {

	private final NodeState writer;

	private final List<NodeState> readers;

	private final List<NodeState> nodes;

	private volatile @Nullable DatabaseDialect dialect;

	private volatile @Nullable ClusterIdentity writerIdentity;

	/**
	 * Create the state of a cluster whose dialect is not known until a node is reached.
	 * @param writer the writer's node
	 * @param readers the readers' nodes, possibly none
	 */
	public ClusterState(NodeState writer, List<NodeState> readers) {
		this(writer, readers, null);
	}

	/**
	 * Create the state of a cluster.
	 * @param writer the writer's node
	 * @param readers the readers' nodes, possibly none
	 * @param dialect the dialect the writer's URL implies, until a node is reached, or {@code null}
	 */
	public ClusterState(NodeState writer, List<NodeState> readers, @Nullable DatabaseDialect dialect) {
		Assert.isTrue(writer.isWriter(), "'writer' must be the writer's node");
		Assert.isTrue(readers.stream().noneMatch(NodeState::isWriter), "'readers' must be readers' nodes");
		this.writer = writer;
		this.readers = List.copyOf(readers);
		List<NodeState> all = new ArrayList<>(this.readers.size() + 1);
		all.add(writer);
		all.addAll(this.readers);
		this.nodes = List.copyOf(all);
		this.dialect = dialect;
	}

	/**
	 * The writer's node.
	 * @return the node
	 */
	public NodeState writer() {
		return this.writer;
	}

	/**
	 * The readers' nodes, in configuration order.
	 * @return the nodes
	 */
	public List<NodeState> readers() {
		return this.readers;
	}

	/**
	 * Every node, the writer first.
	 * @return the nodes
	 */
	public List<NodeState> nodes() {
		return this.nodes;
	}

	/**
	 * A node by name.
	 * @param name {@code writer} or a reader's name
	 * @return the node
	 * @throws IllegalArgumentException if there is none of that name
	 */
	public NodeState node(String name) {
		for (NodeState node : this.nodes) {
			if (node.name().equals(name)) {
				return node;
			}
		}
		throw new IllegalArgumentException("Unknown node " + name);
	}

	/**
	 * The dialect: the one detected on a node once reached, else the one the writer's URL implies.
	 * @return the dialect or {@code null} when neither is known
	 */
	public @Nullable DatabaseDialect dialect() {
		return this.dialect;
	}

	/**
	 * The dialect detected on a node.
	 * @param dialect the dialect
	 */
	public void dialectDetected(DatabaseDialect dialect) {
		this.dialect = dialect;
	}

	/**
	 * The writer's cluster and timeline, as last seen.
	 * @return the identity, or {@code null} before the writer was reached
	 */
	public @Nullable ClusterIdentity writerIdentity() {
		return this.writerIdentity;
	}

	/**
	 * The writer's cluster and timeline, as just seen by the monitor or on a writer connection.
	 * @param identity the identity
	 */
	public void writerIdentified(ClusterIdentity identity) {
		this.writerIdentity = identity;
	}

}
