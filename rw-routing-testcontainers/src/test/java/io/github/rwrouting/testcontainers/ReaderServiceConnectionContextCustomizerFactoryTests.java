package io.github.rwrouting.testcontainers;

import java.util.List;

import io.github.rwrouting.autoconfigure.ReaderConnectionDetails;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which fields make readers, and the beans they become; no container is started (no Docker needed).
 */
class ReaderServiceConnectionContextCustomizerFactoryTests {

	private final ReaderServiceConnectionContextCustomizerFactory factory = new ReaderServiceConnectionContextCustomizerFactory();

	@Test
	void eachAnnotatedFieldBecomesAReaderConnectionDetailsBeanNamedAfterTheReader() {
		ContextCustomizer customizer = this.factory.createContextCustomizer(TwoReaders.class, List.of());
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			customizer.customizeContext(context, null);
			assertThat(context.getBeanFactory().getBeanNamesForType(ReaderConnectionDetails.class, true, false))
				.containsExactlyInAnyOrder("replica1", "replica2");
		}
	}

	@Test
	void fieldsOfSuperclassesAndEnclosingClassesCount() {
		assertThat(this.factory.createContextCustomizer(TwoReaders.Nested.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(TwoReaders.class, List.of()));
		assertThat(this.factory.createContextCustomizer(InheritsTwoReaders.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(TwoReaders.class, List.of()));
	}

	@Test
	void otherContainersMakeAnotherContext() {
		assertThat(this.factory.createContextCustomizer(OtherReaders.class, List.of()))
			.isNotEqualTo(this.factory.createContextCustomizer(TwoReaders.class, List.of()));
	}

	@Test
	void aTestClassWithoutReadersGetsNoCustomizer() {
		assertThat(this.factory.createContextCustomizer(Object.class, List.of())).isNull();
	}

	@Test
	void aFieldMustBeStatic() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.createContextCustomizer(InstanceField.class, List.of()))
			.withMessageContaining("field 'replica'")
			.withMessageContaining("must be static");
	}

	@Test
	void aFieldMustHoldAJdbcContainer() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.createContextCustomizer(NotJdbc.class, List.of()))
			.withMessageContaining("must be a org.testcontainers.containers.JdbcDatabaseContainer");
	}

	@Test
	void twoContainersCannotShareAReaderName() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.createContextCustomizer(SameName.class, List.of()))
			.withMessageContaining("names the reader 'replica1', already the reader of another container");
	}

	static class TwoReaders {

		static final PostgresPrimaryContainer primary = new PostgresPrimaryContainer();

		@ReaderServiceConnection("replica1")
		static final PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");

		@ReaderServiceConnection("replica2")
		static final PostgresReplicaContainer replica2 = new PostgresReplicaContainer(primary, "replica2");

		class Nested {

		}

	}

	static class InheritsTwoReaders extends TwoReaders {

	}

	static class OtherReaders {

		static final PostgresPrimaryContainer primary = new PostgresPrimaryContainer();

		@ReaderServiceConnection("replica1")
		static final PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");

		@ReaderServiceConnection("replica2")
		static final PostgresReplicaContainer replica2 = new PostgresReplicaContainer(primary, "replica2");

	}

	static class InstanceField {

		@ReaderServiceConnection("replica1")
		final PostgresReplicaContainer replica = TwoReaders.replica1;

	}

	static class NotJdbc {

		@ReaderServiceConnection("replica1")
		static final GenericContainer<?> replica = new GenericContainer<>("rw-routing/postgres:15");

	}

	static class SameName {

		@ReaderServiceConnection("replica1")
		static final PostgresReplicaContainer first = TwoReaders.replica1;

		@ReaderServiceConnection("replica1")
		static final PostgresReplicaContainer second = TwoReaders.replica2;

	}

}
