package io.github.rwrouting.testcontainers;

// The README's "Testing with Testcontainers" example, as it is there (but for this package, the class
// name and the tag): it must compile and pass.

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.testcontainers.PostgresPrimaryContainer;
import io.github.rwrouting.testcontainers.PostgresReplicaContainer;
import io.github.rwrouting.testcontainers.ReaderServiceConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@Testcontainers
@SpringBootTest
@Tag("docker")
class ReadmeExampleTests {

    @Container
    @ServiceConnection                       // the writer: Spring Boot's own JdbcConnectionDetails
    static PostgresPrimaryContainer primary = new PostgresPrimaryContainer();

    @Container
    @ReaderServiceConnection("replica1")     // the reader "replica1", pool reader-replica1DataSource
    static PostgresReplicaContainer replica1 = new PostgresReplicaContainer(primary, "replica1");

    @Autowired JdbcClient jdbc;
    @Autowired PlatformTransactionManager transactionManager;
    @Autowired ConsistencyContext consistency;

    @Test
    void readsOwnWriteWhileTheReplicaLags() throws Exception {
        TransactionTemplate readWrite = new TransactionTemplate(transactionManager);
        TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
        readOnly.setReadOnly(true);
        readWrite.executeWithoutResult(s -> jdbc.sql("create table if not exists note (text text)").update());

        replica1.pauseReplay();                   // real lag: the replica stops replaying WAL
        try {
            ConsistencyToken token = consistency.run(null, () -> readWrite.executeWithoutResult(
                    s -> jdbc.sql("insert into note values ('mine')").update()));
            Integer seen = consistency.call(token, () -> readOnly.execute(
                    s -> jdbc.sql("select count(*) from note where text = 'mine'").query(Integer.class).single()))
                .result();
            assertThat(seen).isEqualTo(1);        // served by the writer: no replica has the write yet
        }
        finally {
            replica1.resumeReplay();
        }
    }

}
