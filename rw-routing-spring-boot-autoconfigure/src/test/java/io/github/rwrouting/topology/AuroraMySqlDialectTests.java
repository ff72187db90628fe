package io.github.rwrouting.topology;

import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aurora MySQL's reading of {@code replica_host_status} (the rule it shares with Aurora PostgreSQL);
 * not run against Aurora.
 */
class AuroraMySqlDialectTests {

	@Test
	void theWritersRowMakesThePrimaryWithLagZeroAndTheWritersIdentity() throws SQLException {
		NodeProbe probe = AuroraReplicaStatus.probe(new AuroraReplicaStatus.Row(true, 250),
				() -> AuroraMySqlDialect.writerIdentity("db-instance-1"));
		assertThat(probe.role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(probe.reportedLagNanos()).isZero();
		assertThat(probe.identity()).isEqualTo(AuroraMySqlDialect.writerIdentity("db-instance-1"));
		assertThat(probe.replicationPosition().isKnown()).as("commit times only").isFalse();
	}

	@Test
	void aReadersRowGivesItsReportedLagAndNoIdentity() throws SQLException {
		NodeProbe probe = AuroraReplicaStatus.probe(new AuroraReplicaStatus.Row(false, 18), () -> {
			throw new AssertionError("a reader's identity is not read");
		});
		assertThat(probe.role()).isEqualTo(NodeRole.REPLICA);
		assertThat(probe.reportedLagNanos()).isEqualTo(Duration.ofMillis(18).toNanos());
		assertThat(probe.identity()).isNull();
		assertThat(AuroraReplicaStatus.probe(new AuroraReplicaStatus.Row(false, -1), () -> null).reportedLagNanos())
			.as("a negative lag is none")
			.isZero();
		assertThat(AuroraReplicaStatus.probe(new AuroraReplicaStatus.Row(false, AuroraReplicaStatus.Row.NOT_REPORTED),
				() -> null)
			.reportedLagNanos()).as("a lag Aurora does not report is unknown, not 0").isEqualTo(NodeProbe.UNKNOWN);
	}

	@Test
	void aNodeWithoutARowHasNoRole() throws SQLException {
		assertThat(AuroraReplicaStatus.probe(null, () -> null).role()).isEqualTo(NodeRole.UNKNOWN);
	}

	@Test
	void theWriterInstanceNamesTheTimelineSoThatAFailoverChangesIt() {
		assertThat(AuroraMySqlDialect.writerIdentity(null)).isNull();
		assertThat(AuroraMySqlDialect.writerIdentity("")).isNull();
		ClusterIdentity before = AuroraMySqlDialect.writerIdentity("db-instance-1");
		ClusterIdentity after = AuroraMySqlDialect.writerIdentity("db-instance-2");
		assertThat(before.clusterId()).isEqualTo(after.clusterId()).isEqualTo(AuroraMySqlDialect.CLUSTER_ID);
		assertThat(before.timeline()).isNotEqualTo(after.timeline())
			.isNotEqualTo(ReplicationPosition.UNKNOWN_TIMELINE);
	}

}
