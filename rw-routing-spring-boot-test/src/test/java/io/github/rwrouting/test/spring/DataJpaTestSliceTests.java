package io.github.rwrouting.test.spring;

import java.time.Duration;

import io.github.rwrouting.test.PostgresCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @DataJpaTest} slice includes rw-routing: a repository read in a read-only transaction
 * runs on the standby and sees what was written through the primary.
 */
// consistency none: the read is checked for its route, not for read-your-writes (tested elsewhere).
// create, not create-drop: at JVM exit the cluster may stop before the context closes, and a drop
// would wait for a connection.
@DataJpaTest(properties = { "spring.jpa.hibernate.ddl-auto=create", "rw-routing.consistency.mode=none" })
@AutoConfigureTestDatabase(replace = Replace.NONE)
@AutoConfigureReplicatedPostgres
// The slice's own test transaction would be read-write and pin everything to the primary.
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class DataJpaTestSliceTests {

	@Autowired
	private PostgresCluster cluster;

	@Autowired
	private NoteRepository notes;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Test
	void repositoryReadsInReadOnlyTransactionsRunOnTheStandby() {
		Note saved = new TransactionTemplate(this.transactionManager).execute((status) -> {
			assertThat(Nodes.name(this.cluster, this.notes.serverPort())).isEqualTo("primary");
			return this.notes.save(new Note("written on the primary"));
		});
		this.cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		readOnly.executeWithoutResult((status) -> {
			assertThat(Nodes.name(this.cluster, this.notes.serverPort())).isEqualTo("replica1");
			assertThat(this.notes.findById(saved.getId())).hasValueSatisfying(
					(note) -> assertThat(note.getText()).isEqualTo("written on the primary"));
		});
	}

}
