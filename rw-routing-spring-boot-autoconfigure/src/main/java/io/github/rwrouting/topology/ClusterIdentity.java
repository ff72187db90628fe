package io.github.rwrouting.topology;

/**
 * Which cluster, and which history of it, a commit position belongs to. A promotion starts a new
 * timeline; positions from another cluster or an older timeline are never compared.
 *
 * @param clusterId the cluster's identity (PostgreSQL: the system identifier, shared by a primary
 * and its physical replicas; MariaDB: {@link MariaDbDialect#CLUSTER_ID}, the same for every cluster)
 * @param timeline the writer's timeline (MariaDB: the writer's {@code server_id})
 * @author rw-routing
 */
public record ClusterIdentity(long clusterId, int timeline) {

}
