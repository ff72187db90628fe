package io.github.rwrouting.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GtidPositionTests {

	@Test
	void parsesWhatMariaDbPrintsAndPrintsItBackInDomainOrder() {
		GtidPosition position = GtidPosition.parse("1-1-3,0-2-17");
		assertThat(position).isNotNull();
		assertThat(position.size()).isEqualTo(2);
		assertThat(position.domain(0)).isZero();
		assertThat(position.server(0)).isEqualTo(2);
		assertThat(position.sequence(0)).isEqualTo(17);
		assertThat(position).hasToString("0-2-17,1-1-3");
		assertThat(position.sequenceSum()).isEqualTo(20);
		assertThat(GtidPosition.parse("4294967295-4294967295-9")).hasToString("4294967295-4294967295-9");
	}

	@Test
	void emptyOrMalformedValuesAreNoPosition() {
		for (String value : new String[] { null, "", " ", "0-1", "0-1-x", "0-1-2-3", "-1-1-1", "0-1-2,0-1-3",
				"4294967296-1-1", "0-1-2,,1-1-1" }) {
			assertThat(GtidPosition.parse(value)).as(String.valueOf(value)).isNull();
		}
		StringBuilder tooMany = new StringBuilder();
		for (int domain = 0; domain <= GtidPosition.MAX_DOMAINS; domain++) {
			tooMany.append((domain > 0) ? "," : "").append(domain).append("-1-1");
		}
		assertThat(GtidPosition.parse(tooMany.toString())).isNull();
	}

	@Test
	void aNodeHasAWriteWhenEveryDomainOfTheWriteIsReached() {
		GtidPosition node = GtidPosition.parse("0-1-10,1-1-5");
		assertThat(node.includes(GtidPosition.parse("0-1-10"))).isTrue();
		assertThat(node.includes(GtidPosition.parse("0-1-9,1-1-5"))).isTrue();
		assertThat(node.includes(GtidPosition.parse("0-1-11"))).isFalse();
		assertThat(node.includes(GtidPosition.parse("0-1-1,1-1-6"))).as("one domain behind").isFalse();
		assertThat(node.includes(GtidPosition.parse("2-1-1"))).as("a domain the node never saw").isFalse();
		assertThat(GtidPosition.parse("1-1-5").includes(GtidPosition.parse("0-1-1,1-1-5"))).isFalse();
		assertThat(node.includes(GtidPosition.parse("0-7-10"))).as("another server's GTID").isFalse();
	}

	@Test
	void aReplicaLeftOnALostHistoryDoesNotHaveTheNewWritersWrites() {
		// The old writer (server 1) wrote 101..105; the new writer (server 2) took over at 100 and
		// continued the domain at 0-2-101.
		GtidPosition lostHistory = GtidPosition.parse("0-1-105");
		assertThat(lostHistory.includes(GtidPosition.parse("0-2-103"))).as("sequence alone would say yes").isFalse();
		assertThat(lostHistory.includes(GtidPosition.parse("0-1-103"))).as("the old writer's own write").isTrue();
		GtidPosition newHistory = GtidPosition.parse("0-2-110");
		assertThat(newHistory.includes(GtidPosition.parse("0-2-103"))).isTrue();
		assertThat(newHistory.includes(GtidPosition.parse("0-2-111"))).isFalse();
		assertThat(newHistory.includes(GtidPosition.parse("0-1-103")))
			.as("may have been lost before server 2 took over: not known, so not included").isFalse();
		assertThat(GtidPosition.parse("0-2-110,1-1-7").includes(GtidPosition.parse("0-2-104,1-1-7"))).isTrue();
		assertThat(GtidPosition.parse("0-2-110,1-3-7").includes(GtidPosition.parse("0-2-104,1-1-7")))
			.as("one domain from another server").isFalse();
		assertThat(ReplicationPosition.ofGtids(0, lostHistory)
			.includes(ReplicationPosition.ofGtids(2, GtidPosition.parse("0-2-103")))).isFalse();
	}

	@Test
	void mergingKeepsTheHigherSequencePerDomainAndEveryDomain() {
		GtidPosition a = GtidPosition.parse("0-1-10,2-1-4");
		GtidPosition b = GtidPosition.parse("0-1-8,1-3-2,2-1-6");
		GtidPosition merged = a.merge(b);
		assertThat(merged).hasToString("0-1-10,1-3-2,2-1-6");
		assertThat(merged.includes(a)).isTrue();
		assertThat(merged.includes(b)).isTrue();
		assertThat(b.merge(a)).isEqualTo(merged);
		assertThat(merged.merge(a)).as("never backwards").isSameAs(merged);
		assertThat(GtidPosition.parse("0-1-3").merge(GtidPosition.parse("0-2-5"))).hasToString("0-2-5");
	}

	@Test
	void mergingPastTheDomainLimitIsRefused() {
		StringBuilder even = new StringBuilder();
		StringBuilder odd = new StringBuilder();
		for (int domain = 0; domain < GtidPosition.MAX_DOMAINS; domain++) {
			even.append((domain > 0) ? "," : "").append(domain * 2).append("-1-1");
			odd.append((domain > 0) ? "," : "").append(domain * 2 + 1).append("-1-1");
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GtidPosition.parse(even.toString()).merge(GtidPosition.parse(odd.toString())));
	}

	@Test
	void aGtidReplicationPositionDecidesByDomainsAndNeverIncludesAnOffset() {
		ReplicationPosition replica = ReplicationPosition.ofGtids(ReplicationPosition.UNKNOWN_TIMELINE,
				GtidPosition.parse("0-1-10"));
		assertThat(replica.isKnown()).isTrue();
		assertThat(replica.includes(ReplicationPosition.ofGtids(1, GtidPosition.parse("0-1-10")))).isTrue();
		assertThat(replica.includes(ReplicationPosition.ofGtids(1, GtidPosition.parse("0-1-11")))).isFalse();
		assertThat(replica.includes(0, 10)).as("a bare offset says nothing of domains").isFalse();
		assertThat(replica.includes(1, 1)).isFalse();
		ReplicationPosition postgres = new ReplicationPosition(1, 100);
		assertThat(postgres.includes(ReplicationPosition.ofGtids(1, GtidPosition.parse("0-1-1")))).isFalse();
		assertThat(postgres.includes(new ReplicationPosition(1, 100))).isTrue();
	}

	@Test
	void theCommitPositionOfATransactionIsItsGtidOnItsServersTimeline() {
		ReplicationPosition position = MariaDbDialect.lastGtid("0-2-107");
		assertThat(position.timeline()).isEqualTo(2);
		assertThat(position.gtids()).hasToString("0-2-107");
		assertThat(position.offset()).isEqualTo(107);
		assertThat(MariaDbDialect.lastGtid("")).isEqualTo(ReplicationPosition.UNKNOWN);
		assertThat(MariaDbDialect.lastGtid(null)).isEqualTo(ReplicationPosition.UNKNOWN);
	}

}
