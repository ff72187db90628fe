package io.github.rwrouting.testcontainers;

import java.time.Duration;

import io.github.rwrouting.topology.GtidPosition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover on MariaDB: the primary stops, the replica is promoted and takes writes under its own
 * server id.
 */
@Tag("docker")
@Testcontainers
class MariaDbPromotionTests {

	@Container
	static final MariaDbPrimaryContainer primary = new MariaDbPrimaryContainer().withDatabaseName("orders");

	@Container
	static final MariaDbReplicaContainer replica = new MariaDbReplicaContainer(primary, "replica1");

	@Test
	void aPromotedReplicaTakesWritesWithTheDataItReplayed() {
		primary.execute("create table orders.item (name varchar(100))");
		primary.execute("insert into orders.item values ('before-failover')");
		replica.awaitCaughtUp(Duration.ofSeconds(30));
		GtidPosition beforeFailover = GtidPosition.parse(replica.gtidPosition());

		primary.stopServer();
		replica.promote();

		assertThat(replica.isReadOnly()).isFalse();
		assertThat(replica.replicaStatus("Slave_IO_Running")).isNull();
		assertThat(replica.getDatabaseName()).isEqualTo("orders");
		replica.execute("insert into orders.item values ('after-failover')");
		assertThat(replica.queryOne("select group_concat(name order by name) from orders.item"))
			.isEqualTo("after-failover,before-failover");
		GtidPosition afterFailover = GtidPosition.parse(replica.gtidPosition());
		assertThat(afterFailover.server(0)).as("written under the promoted replica's server id").isEqualTo(2);
		assertThat(afterFailover.sequence(0)).as("the domain's sequence goes on")
			.isEqualTo(beforeFailover.sequence(0) + 1);
	}

}
