package io.github.rwrouting.topology;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The one cluster state, without a database.
 */
class ClusterStateTests {

	private final NodeState writer = NodeState.writer("writer");

	private final NodeState one = NodeState.reader("one", true);

	private final NodeState two = NodeState.reader("two", false);

	@Test
	void nodesAreTheWriterFirstThenTheReadersInOrder() {
		ClusterState cluster = new ClusterState(this.writer, List.of(this.one, this.two));
		assertThat(cluster.nodes()).containsExactly(this.writer, this.one, this.two);
		assertThat(cluster.readers()).containsExactly(this.one, this.two);
		assertThat(cluster.node("two")).isSameAs(this.two);
		assertThatIllegalArgumentException().isThrownBy(() -> cluster.node("three"));
	}

	@Test
	void theDialectTheUrlImpliesHoldsUntilANodeIsReached() {
		PostgresDialect fromUrl = new PostgresDialect();
		ClusterState cluster = new ClusterState(this.writer, List.of(this.one), fromUrl);
		assertThat(cluster.dialect()).isSameAs(fromUrl);
		AuroraPostgresDialect detected = new AuroraPostgresDialect();
		cluster.dialectDetected(detected);
		assertThat(cluster.dialect()).isSameAs(detected);
	}

	@Test
	void theWriterIdentityIsUnknownUntilSeen() {
		ClusterState cluster = new ClusterState(this.writer, List.of());
		assertThat(cluster.writerIdentity()).isNull();
		cluster.writerIdentified(new ClusterIdentity(7, 2));
		assertThat(cluster.writerIdentity()).isEqualTo(new ClusterIdentity(7, 2));
	}

	@Test
	void aReaderIsNeverTheWriterNorTheWriterAReader() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ClusterState(this.one, List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new ClusterState(this.writer, List.of(this.writer)));
	}

	@Test
	void aNodeStartsAvailableWithTheInitialStatus() {
		assertThat(this.one.isAvailable()).isTrue();
		assertThat(this.one.status().name()).isEqualTo("one");
		assertThat(this.one.status().checkedAt()).isNull();
		assertThat(this.writer.status().writer()).isTrue();
	}

}
