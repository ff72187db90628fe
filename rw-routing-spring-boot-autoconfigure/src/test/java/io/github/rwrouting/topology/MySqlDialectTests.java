package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MySQL dialect's reading of its queries' answers (the queries themselves were not run against a
 * MySQL server: none can run where rw-routing is tested).
 */
class MySqlDialectTests {

	private static final String PRIMARY_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String EXECUTED = PRIMARY_UUID + ":1-100";

	@Test
	void aWritableNodeThatDoesNotReplicateIsThePrimaryWithItsUuidAsTimeline() {
		NodeProbe probe = MySqlDialect.probe(false, false, PRIMARY_UUID, EXECUTED);
		assertThat(probe.role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(probe.identity()).isEqualTo(new ClusterIdentity(MySqlDialect.CLUSTER_ID,
				java.util.UUID.fromString(PRIMARY_UUID).hashCode()));
		assertThat(probe.position()).as("transactions executed").isEqualTo(100);
		assertThat(probe.replicationPosition().gtidSet()).hasToString(EXECUTED);
	}

	@Test
	void aReadOnlyNodeIsAReplicaThatDoesNotSayWhomItFollows() {
		NodeProbe probe = MySqlDialect.probe(true, true, "5c2a63a1-7a0a-11ee-8a4e-0242ac120002", PRIMARY_UUID + ":1-90");
		assertThat(probe.role()).isEqualTo(NodeRole.REPLICA);
		assertThat(probe.timeline()).isEqualTo(ReplicationPosition.UNKNOWN_TIMELINE);
		assertThat(probe.position()).isEqualTo(90);
		assertThat(probe.replicationPosition().includes(MySqlDialect.commitPosition(PRIMARY_UUID + ":1-90",
				PRIMARY_UUID))).isTrue();
		assertThat(probe.replicationPosition().includes(MySqlDialect.commitPosition(EXECUTED, PRIMARY_UUID)))
			.isFalse();
	}

	@Test
	void aWritableNodeThatReplicatesIsNeitherWriterNorReader() {
		assertThat(MySqlDialect.probe(false, true, PRIMARY_UUID, EXECUTED).role()).isEqualTo(NodeRole.UNKNOWN);
	}

	@Test
	void withoutGtidsTheNodeHasNoPosition() {
		NodeProbe probe = MySqlDialect.probe(true, true, PRIMARY_UUID, "");
		assertThat(probe.position()).isEqualTo(NodeProbe.UNKNOWN);
		assertThat(probe.replicationPosition().isKnown()).isFalse();
		assertThat(MySqlDialect.commitPosition("", PRIMARY_UUID)).isEqualTo(ReplicationPosition.UNKNOWN);
	}

	@Test
	void aCommitPositionIsTheWritersExecutedSetUnderItsUuid() {
		ReplicationPosition position = MySqlDialect.commitPosition(EXECUTED + ",\n5c2a63a1-7a0a-11ee-8a4e-0242ac120002:1-7",
				PRIMARY_UUID);
		assertThat(position.timeline()).isEqualTo(MySqlDialect.timeline(PRIMARY_UUID));
		assertThat(position.offset()).isEqualTo(107);
		assertThat(position.gtidSet().includes(MySqlGtidSet.parse(PRIMARY_UUID + ":100"))).isTrue();
		assertThat(position.includes(100, 107)).as("never compared as a bare offset").isFalse();
		assertThat(MySqlDialect.commitPosition(EXECUTED, "not a uuid")).isEqualTo(ReplicationPosition.UNKNOWN);
	}

	@Test
	void aUuidIsNeverTheUnknownTimeline() {
		assertThat(MySqlDialect.timeline(null)).isEqualTo(ReplicationPosition.UNKNOWN_TIMELINE);
		// A uuid whose hash is 0.
		assertThat(MySqlDialect.timeline("00000000-0000-0000-0000-000000000000")).isEqualTo(1);
		assertThat(MySqlDialect.timeline(PRIMARY_UUID)).isNotEqualTo(MySqlDialect.timeline(
				"5c2a63a1-7a0a-11ee-8a4e-0242ac120002"));
	}

}
