package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs sample test classes through JUnit to check what the extension does around them. */
class ExtensionLifecycleTest {

    static final List<PostgresCluster> SEEN = new CopyOnWriteArrayList<>();
    static final List<MariaDbCluster> SEEN_MARIADB = new CopyOnWriteArrayList<>();

    @Test
    void startsOneClusterPerClassAndClosesItAfterTheClass() {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(SampleTest.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
        PostgresCluster cluster = SEEN.get(0);
        assertThat(cluster.replicas()).hasSize(1);
        assertThat(Files.exists(cluster.baseDirectory())).as("closed with the test class").isFalse();
    }

    @Test
    void reportsAMissingAnnotationInsteadOfStartingACluster() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnannotatedSampleTest.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).failed(1));
    }

    @Test
    void startsOneMariaDbClusterPerClassAndClosesItAfterTheClass() {
        SEEN_MARIADB.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(MariaDbSampleTest.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN_MARIADB).hasSize(2);
        assertThat(SEEN_MARIADB.get(0)).isSameAs(SEEN_MARIADB.get(1));
        MariaDbCluster cluster = SEEN_MARIADB.get(0);
        assertThat(cluster.replicas()).isEmpty();
        assertThat(Files.exists(cluster.baseDirectory())).as("closed with the test class").isFalse();
    }

    @Test
    void reportsAMissingMariaDbAnnotationInsteadOfStartingACluster() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnannotatedMariaDbSampleTest.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).failed(1));
    }

    // Nested classes are not run by Surefire itself (default excludes); only through the test kit above.

    @ReplicatedPostgres(replicas = 1, settings = "work_mem=8MB")
    static class SampleTest {

        @Test
        void first(PostgresCluster cluster) {
            SEEN.add(cluster);
            assertThat(Sql.string(cluster.primary(), "SHOW work_mem")).isEqualTo("8MB");
        }

        @Test
        void second(PostgresCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @org.junit.jupiter.api.extension.ExtendWith(PostgresClusterExtension.class)
    static class UnannotatedSampleTest {

        @Test
        void needsACluster(PostgresCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @ReplicatedMariaDb(replicas = 0, settings = "max_connections=42")
    static class MariaDbSampleTest {

        @Test
        void first(MariaDbCluster cluster) {
            SEEN_MARIADB.add(cluster);
            assertThat(Sql.string(cluster.primary(), "SELECT @@max_connections")).isEqualTo("42");
        }

        @Test
        void second(MariaDbCluster cluster) {
            SEEN_MARIADB.add(cluster);
        }
    }

    @org.junit.jupiter.api.extension.ExtendWith(MariaDbClusterExtension.class)
    static class UnannotatedMariaDbSampleTest {

        @Test
        void needsACluster(MariaDbCluster cluster) {
            SEEN_MARIADB.add(cluster);
        }
    }
}
