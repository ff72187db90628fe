package io.github.rwrouting.testcontainers;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Failover: the primary stops, a replica is promoted and takes writes.
 */
@Tag("docker")
@Testcontainers
class PromotionTests {

	@Container
	static final PostgresPrimaryContainer primary = new PostgresPrimaryContainer().withDatabaseName("orders");

	@Container
	static final PostgresReplicaContainer replica = new PostgresReplicaContainer(primary,
			"replica1");

	@Test
	void aPromotedReplicaTakesWritesWithTheDataItReplayed() {
		primary.execute("create table item (name text)");
		primary.execute("insert into item values ('before-failover')");
		replica.awaitCaughtUp(Duration.ofSeconds(30));
		assertThatIllegalStateException().isThrownBy(() -> replica.execute("insert into item values ('refused')"))
			.withMessageContaining("read-only transaction");

		primary.stopServer();
		replica.promote();

		assertThat(replica.isInRecovery()).isFalse();
		assertThat(replica.getDatabaseName()).isEqualTo("orders");
		replica.execute("insert into item values ('after-failover')");
		assertThat(replica.queryOne("select string_agg(name, ',' order by name) from item"))
			.isEqualTo("after-failover,before-failover");
	}

}
