package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static io.github.rwrouting.sample.Http.ROUTE_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The sample started as a user starts it on MariaDB, with the one property {@code --local-database=mariadb}: a
 * local MariaDB primary and GTID replica, Flyway's MariaDB migration, writes on the primary, reads on the replica
 * and read-your-writes for a client that sends its token back.
 */
class LocalMariaDbTests {

    private static final String TOKEN_HEADER = "X-RW-Consistency";

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static ConfigurableApplicationContext context;

    private static RestClient http;

    private static String writerUrl;

    private static String readerUrl;

    @BeforeAll
    static void start() {
        context = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
                "--local-database=mariadb");
        Environment environment = context.getEnvironment();
        writerUrl = environment.getProperty("spring.datasource.url");
        readerUrl = environment.getProperty("rw-routing.readers.replica1.url");
        http = Http.client(environment.getRequiredProperty("local.server.port", Integer.class));
    }

    @AfterAll
    static void stop() throws SQLException {
        if (context != null) {
            context.close();
            // close() has returned: both servers must be gone, not only at JVM exit
            assertThatExceptionOfType(SQLException.class).isThrownBy(() -> readOnly(writerUrl));
            assertThatExceptionOfType(SQLException.class).isThrownBy(() -> readOnly(readerUrl));
        }
    }

    @Test
    void startsAMariaDbPrimaryAndAReadOnlyReplicaMigratedByFlyway() throws SQLException {
        assertThat(writerUrl).startsWith("jdbc:mariadb:").contains("allowMultiQueries=true");
        assertThat(readerUrl).startsWith("jdbc:mariadb:");
        assertThat(readOnly(writerUrl)).as("writer is writable").isFalse();
        assertThat(readOnly(readerUrl)).as("reader is read-only").isTrue();
        assertThat(longValue(writerUrl, "select count(*) from flyway_schema_history where success and script = "
                + "'V1__orders.sql'")).isEqualTo(1);
    }

    @Test
    void writesGoToThePrimaryWithATokenAndReadsToTheReplica() {
        ResponseEntity<OrderJson> created = create("maria");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
        assertThat(created.getHeaders().getFirst(TOKEN_HEADER)).as("a GTID token").startsWith("v2.");
        OrderJson order = created.getBody();
        assertThat(order.createdAt()).isNotBlank();

        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(
                () -> http.get().uri("/orders/{id}", order.id()).retrieve().toBodilessEntity().getStatusCode(),
                (status) -> status.value() == 200);
        ResponseEntity<OrderJson> found = http.get().uri("/orders/{id}", order.id()).retrieve()
            .toEntity(OrderJson.class);
        assertThat(found.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");
        assertThat(found.getBody().customer()).isEqualTo("maria");
        assertThat(found.getBody().amount()).isEqualByComparingTo("4.20");
    }

    @Test
    void aClientSendingItsTokenBackReadsItsOwnWriteWhileTheReplicaLags() throws SQLException {
        // While the replica does not replay, only the writer has the new order.
        execute(readerUrl, "STOP SLAVE SQL_THREAD");
        long id;
        String token;
        try {
            await().atMost(DEADLINE).until(() -> replayRunning(readerUrl), (running) -> !running);
            ResponseEntity<OrderJson> created = create("ryw");
            assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
            id = created.getBody().id();
            token = created.getHeaders().getFirst(TOKEN_HEADER);

            ResponseEntity<String> withoutToken = http.get().uri("/orders/{id}", id).retrieve().toEntity(String.class);
            assertThat(withoutToken.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(withoutToken.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");

            ResponseEntity<OrderJson> withToken = http.get().uri("/orders/{id}", id).header(TOKEN_HEADER, token)
                .retrieve()
                .toEntity(OrderJson.class);
            assertThat(withToken.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(withToken.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
            assertThat(withToken.getBody().customer()).isEqualTo("ryw");
        }
        finally {
            execute(readerUrl, "START SLAVE SQL_THREAD");
        }
        // Replayed: the same token now lets the replica serve the read.
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(
                () -> http.get().uri("/orders/{id}", id).header(TOKEN_HEADER, token).retrieve()
                    .toEntity(OrderJson.class),
                (read) -> read.getStatusCode().value() == 200
                        && "reader-replica1".equals(read.getHeaders().getFirst(ROUTE_HEADER)));
    }

    @Test
    void healthShowsTheReplicaUp() {
        String health = http.get().uri("/actuator/health").retrieve().body(String.class);

        assertThat(health).contains("\"status\":\"UP\"").contains("\"replica1\":{\"up\":true,\"role\":\"replica\"");
    }

    private static ResponseEntity<OrderJson> create(String customer) {
        return http.post()
            .uri("/orders")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("customer", customer, "amount", new BigDecimal("4.20")))
            .retrieve()
            .toEntity(OrderJson.class);
    }

    private static boolean readOnly(String url) throws SQLException {
        return longValue(url, "select @@read_only") == 1;
    }

    private static boolean replayRunning(String url) throws SQLException {
        try (Connection connection = root(url);
                ResultSet rs = connection.createStatement().executeQuery("SHOW SLAVE STATUS")) {
            assertThat(rs.next()).as("replication is configured on " + url).isTrue();
            return "Yes".equals(rs.getString("Slave_SQL_Running"));
        }
    }

    private static long longValue(String url, String sql) throws SQLException {
        try (Connection connection = root(url); ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = root(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    // The cluster's superuser (no password, from 127.0.0.1 only): may stop replication, unlike the app's user.
    private static Connection root(String url) throws SQLException {
        return DriverManager.getConnection(url, "root", "");
    }
}
