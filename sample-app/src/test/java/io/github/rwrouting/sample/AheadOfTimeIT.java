package io.github.rwrouting.sample;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static io.github.rwrouting.sample.Http.ROUTE_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample processed by Spring AOT at build time ({@code process-aot}, in prepare-package) runs on the
 * JVM with {@code -Dspring.aot.enabled=true}: its own JVM, started like a user would, with the local primary and
 * replica; writes go to the writer and reads to the replica.
 */
class AheadOfTimeIT {

    private static final String INITIALIZER = "io.github.rwrouting.sample.SampleApplication__ApplicationContextInitializer";

    // generous: the machine running the build may be busy, and the app starts PostgreSQL first
    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(180);

    private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(30);

    @Test
    void theAheadOfTimeProcessedAppRoutesReadsToTheReplica() throws Exception {
        assertThat(getClass().getClassLoader().getResource(INITIALIZER.replace('.', '/') + ".class"))
            .as("the build generated the AOT initializer (process-aot)").isNotNull();
        int port = freePort();
        Path log = Files.createDirectories(Path.of("target")).resolve("aot-app.log");
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dspring.aot.enabled=true", "-cp", testClassPath(), SampleApplication.class.getName(),
                "--server.port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        try {
            RestClient http = Http.client(port);
            await().atMost(STARTUP_DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(app.isAlive()).as("the app is running, see " + log.toAbsolutePath()).isTrue();
                return isUp(http);
            });
            assertThat(Files.readString(log)).contains("AOT-processed").doesNotContain("aot-processing-placeholder");

            ResponseEntity<OrderJson> created = http.post()
                .uri("/orders")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("customer", "aot", "amount", new BigDecimal("1.50")))
                .retrieve()
                .toEntity(OrderJson.class);
            assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
            assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
            long id = created.getBody().id();

            await().atMost(REPLICATION_DEADLINE).pollInterval(Duration.ofMillis(100)).until(
                    () -> http.get().uri("/orders/{id}", id).retrieve().toBodilessEntity().getStatusCode(),
                    (status) -> status.value() == 200);
            ResponseEntity<OrderJson> found = http.get().uri("/orders/{id}", id).retrieve().toEntity(OrderJson.class);
            assertThat(found.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");
            assertThat(found.getBody().customer()).isEqualTo("aot");
        }
        finally {
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static boolean isUp(RestClient http) {
        try {
            return http.get().uri("/actuator/health").retrieve().toBodilessEntity().getStatusCode().value() == 200;
        }
        catch (RuntimeException ex) {
            return false; // not listening yet
        }
    }

    // Surefire may run tests from a manifest-only jar: it names the real class path in this property.
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
