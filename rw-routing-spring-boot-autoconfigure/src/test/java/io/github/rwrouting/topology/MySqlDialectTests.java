package io.github.rwrouting.topology;

import io.github.rwrouting.consistency.ConsistencyToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MySQL dialect's reading of its queries' answers (the queries themselves were not run against a
 * MySQL server: none can run where rw-routing is tested).
 */
class MySqlDialectTests {

	private static final String PRIMARY_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String EXECUTED = PRIMARY_UUID + ":1-100";

	private static final String OTHER_UUID = "5c2a63a1-7a0a-11ee-8a4e-0242ac120002";

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
		assertThat(probe.replicationPosition().includes(commitPosition(PRIMARY_UUID + ":1-90"))).isTrue();
		assertThat(probe.replicationPosition().includes(commitPosition(EXECUTED))).isFalse();
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
		assertThat(commitPosition("")).isEqualTo(ReplicationPosition.UNKNOWN);
	}

	@Test
	void aCommitPositionIsTheWritersPartOfItsExecutedSetUnderItsUuid() {
		ReplicationPosition position = commitPosition(EXECUTED + ",\n" + OTHER_UUID + ":1-7");
		assertThat(position.timeline()).isEqualTo(MySqlDialect.timeline(PRIMARY_UUID));
		assertThat(position.gtidSet()).as("what other servers wrote is not the transaction").hasToString(EXECUTED);
		assertThat(position.offset()).isEqualTo(100);
		assertThat(position.gtidSet().includes(MySqlGtidSet.parse(PRIMARY_UUID + ":100"))).isTrue();
		assertThat(position.includes(100, 100)).as("never compared as a bare offset").isFalse();
		assertThat(MySqlDialect.commitPosition(EXECUTED, "not a uuid", "AUTOMATIC", ""))
			.isEqualTo(ReplicationPosition.UNKNOWN);
		ReplicationPosition tagged = MySqlDialect.commitPosition(
				EXECUTED + ":batch:1-3," + OTHER_UUID + ":1-7:batch:1", PRIMARY_UUID, "AUTOMATIC:Batch", "");
		assertThat(tagged.gtidSet()).as("the writer's tagged GTIDs too").hasToString(EXECUTED + ":batch:1-3");
	}

	@Test
	void theWholeExecutedSetStandsWhenTheTransactionsUuidIsNotKnown() {
		String executed = EXECUTED + "," + OTHER_UUID + ":1-7";
		assertThat(MySqlDialect.commitPosition(executed, PRIMARY_UUID, OTHER_UUID + ":8", "").gtidSet())
			.as("gtid_next set by the application").hasToString(executed);
		assertThat(MySqlDialect.commitPosition(executed, PRIMARY_UUID, null, "").gtidSet()).hasToString(executed);
		assertThat(MySqlDialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC", null).gtidSet())
			.as("performance_schema did not answer: a group is not ruled out").hasToString(executed);
		assertThat(MySqlDialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC", "not a uuid").gtidSet())
			.hasToString(executed);
		assertThat(MySqlDialect.commitPosition(OTHER_UUID + ":1-7", PRIMARY_UUID, "AUTOMATIC", "").gtidSet())
			.as("nothing under its uuid").hasToString(OTHER_UUID + ":1-7");
	}

	@Test
	void inAReplicationGroupTheGroupsUuidIsKept() {
		String group = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
		String executed = EXECUTED + "," + OTHER_UUID + ":1-7," + group + ":1-500";
		assertThat(MySqlDialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC", group).gtidSet())
			.isEqualTo(MySqlGtidSet.parse(EXECUTED + "," + group + ":1-500"));
	}

	@Test
	void commitsUseTheGroupNameTheMonitorLastReadOnTheWriterAndKeepTheWholeSetBefore() {
		String group = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
		String executed = EXECUTED + "," + OTHER_UUID + ":1-7," + group + ":1-500";
		MySqlDialect dialect = new MySqlDialect();
		assertThat(dialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC").gtidSet())
			.as("not polled yet: a group is not ruled out").isEqualTo(MySqlGtidSet.parse(executed));
		dialect.groupNameProbed(OTHER_UUID, "");
		assertThat(dialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC").gtidSet())
			.as("another server's answer").isEqualTo(MySqlGtidSet.parse(executed));
		dialect.groupNameProbed(PRIMARY_UUID.toUpperCase(), group);
		assertThat(dialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC").gtidSet())
			.isEqualTo(MySqlGtidSet.parse(EXECUTED + "," + group + ":1-500"));
		dialect.groupNameProbed(PRIMARY_UUID, "");
		assertThat(dialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC").gtidSet()).hasToString(EXECUTED);
		dialect.groupNameProbed(PRIMARY_UUID, null);
		assertThat(dialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC").gtidSet())
			.as("performance_schema did not answer").isEqualTo(MySqlGtidSet.parse(executed));
	}

	@Test
	void positionsAreNotJudgedByCommitTime() {
		assertThat(new MySqlDialect().trustsCommitTime()).isFalse();
	}

	@Test
	void theWritersPartStaysWithinATokenWhereTheWholeSetWouldNot() {
		// Ten failovers' worth of uuids: the whole set is past the cap, the writer's part is one source.
		StringBuilder executed = new StringBuilder(EXECUTED);
		for (int i = 0; i < 10; i++) {
			executed.append(',').append(String.format("%08x-0000-0000-0000-000000000000:1-5000", i + 1));
		}
		assertThat(MySqlGtidSet.parse(executed.toString()).encodedBytes())
			.isGreaterThan(ConsistencyToken.MAX_GTID_SET_BYTES);
		ConsistencyToken.Entry entry = ConsistencyToken.Entry.of(MySqlDialect.CLUSTER_ID,
				commitPosition(executed.toString()), 1_000);
		assertThat(entry.gtidSet()).hasToString(EXECUTED);
		ConsistencyToken.Entry whole = ConsistencyToken.Entry.of(MySqlDialect.CLUSTER_ID,
				MySqlDialect.commitPosition(executed.toString(), PRIMARY_UUID, "UNDEFINED", ""), 1_000);
		assertThat(whole.hasNoReplicaPosition()).isTrue();
	}

	private static ReplicationPosition commitPosition(String executed) {
		return MySqlDialect.commitPosition(executed, PRIMARY_UUID, "AUTOMATIC", "");
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
