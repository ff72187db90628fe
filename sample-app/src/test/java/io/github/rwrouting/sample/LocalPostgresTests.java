package io.github.rwrouting.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The local default database: what it starts, and that it goes away with the application. */
@ExtendWith(OutputCaptureExtension.class)
class LocalPostgresTests {

    @Test
    void startsAPrimaryAndAReplicaAndStopsThemWithTheApplication(CapturedOutput output) throws SQLException {
        String writerUrl;
        String readerUrl;
        // A short monitor interval: a poll is sure to run while the application stops.
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
            .run("--server.port=0", "--rw-routing.monitor.interval=100ms")) {
            ConfigurableEnvironment environment = context.getEnvironment();
            assertThat(environment.getPropertySources()
                .contains(LocalDatabaseEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isTrue();
            writerUrl = environment.getProperty("spring.datasource.url");
            readerUrl = environment.getProperty("rw-routing.readers.replica1.url");
            assertThat(environment.getProperty(LocalDatabaseEnvironmentPostProcessor.SIGNING_KEY))
                .as("a signing key for this run").hasSizeGreaterThanOrEqualTo(32);
            assertThat(inRecovery(writerUrl)).as("writer is a primary").isFalse();
            assertThat(inRecovery(readerUrl)).as("reader is a standby").isTrue();
        }
        // close() has returned: both servers must be gone, not only at JVM exit
        assertThatExceptionOfType(SQLException.class).isThrownBy(() -> inRecovery(writerUrl));
        assertThatExceptionOfType(SQLException.class).isThrownBy(() -> inRecovery(readerUrl));
        // Quiet from start to stop: the servers stop only after everything that uses them
        assertThat(output.getAll().lines().filter((line) -> line.contains(" WARN ") || line.contains(" ERROR ")))
            .isEmpty();
    }

    @Test
    void canBeSwitchedOff() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .addFirst(new MapPropertySource("test", Map.of("local-postgres.enabled", "false")));

        new LocalDatabaseEnvironmentPostProcessor(new DeferredLogs()).postProcessEnvironment(environment,
                new SpringApplication(SampleApplication.class));

        assertThat(environment.getPropertySources()
            .contains(LocalDatabaseEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
    }

    @Test
    void anUnknownLocalDatabaseFailsTheStartNamingTheProperty() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .addFirst(new MapPropertySource("test", Map.of(LocalDatabaseEnvironmentPostProcessor.DATABASE, "oracle")));

        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> new LocalDatabaseEnvironmentPostProcessor(new DeferredLogs())
                .postProcessEnvironment(environment, new SpringApplication(SampleApplication.class)))
            .withMessage("local-database=oracle is not a local database this sample can start: use postgresql (the"
                    + " default) or mariadb");
    }

    private static boolean inRecovery(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                ResultSet rs = connection.createStatement().executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
