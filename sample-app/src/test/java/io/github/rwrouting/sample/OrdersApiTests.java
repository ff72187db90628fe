package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

import static io.github.rwrouting.sample.Http.ROUTE_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API over real HTTP, against the local primary and replica that the application starts by itself because
 * no spring.datasource.url is given.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class OrdersApiTests {

    // how long a write may take to show up on the replica
    private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(10);

    @LocalServerPort
    private int port;

    @Autowired
    private JdbcClient jdbc;

    private RestClient http;

    @BeforeEach
    void client() {
        http = Http.client(port);
    }

    @Test
    void createIsServedByTheWriter() {
        ResponseEntity<OrderJson> created = create("ada", "12.50");

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
        OrderJson order = created.getBody();
        assertThat(order.id()).isPositive();
        assertThat(order.customer()).isEqualTo("ada");
        assertThat(order.amount()).isEqualByComparingTo("12.50");
        assertThat(order.createdAt()).isNotBlank();
        assertThat(created.getHeaders().getLocation()).hasPath("/orders/" + order.id());
    }

    @Test
    void readsAreServedByTheReplica() {
        long id = create("grace", "7.25").getBody().id();

        ResponseEntity<OrderJson> found = awaitOnReplica(id);
        assertThat(found.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");
        assertThat(found.getBody().customer()).isEqualTo("grace");
        assertThat(found.getBody().amount()).isEqualByComparingTo("7.25");

        ResponseEntity<List<OrderJson>> list = http.get()
            .uri("/orders")
            .retrieve()
            .toEntity(new ParameterizedTypeReference<List<OrderJson>>() {
            });
        assertThat(list.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(list.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");
        assertThat(list.getBody()).extracting(OrderJson::id).contains(id);
    }

    @Test
    void unknownOrderIsNotFound() {
        ResponseEntity<String> response = http.get().uri("/orders/999999").retrieve().toEntity(String.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(response.getBody()).contains("No order with id 999999");
    }

    @Test
    void updateIsServedByTheWriter() {
        long id = create("linus", "1.00").getBody().id();

        ResponseEntity<OrderJson> updated = http.put()
            .uri("/orders/{id}", id)
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("customer", "linus t", "amount", 2.5))
            .retrieve()
            .toEntity(OrderJson.class);

        assertThat(updated.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(updated.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
        assertThat(updated.getBody()).extracting(OrderJson::id, OrderJson::customer, OrderJson::amount)
            .containsExactly(id, "linus t", new BigDecimal("2.50"));
        assertThat(updated.getBody().updatedAt()).isNotBlank();
        assertThat(customerOf(id)).isEqualTo("linus t");
    }

    @Test
    void updateOfUnknownOrderIsNotFound() {
        ResponseEntity<String> response = http.put()
            .uri("/orders/999999")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("customer", "nobody", "amount", 1))
            .retrieve()
            .toEntity(String.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(countByCustomer("nobody")).isZero();
    }

    @Test
    void invalidInputIsRejectedWithAClearMessage() {
        assertBadRequest("{}", "customer is required", "amount is required");
        assertBadRequest("{\"customer\": \"  \", \"amount\": 1}", "customer is required");
        assertBadRequest("{\"customer\": \"negative\", \"amount\": -0.01}", "amount must not be negative");
        assertBadRequest("{\"customer\": \"fraction\", \"amount\": 1.005}", "amount must have at most 2 decimals");
        assertBadRequest("{\"customer\": \"broken\", ", "Failed to read request");
        assertThat(countByCustomer("negative") + countByCustomer("fraction")).isZero();
    }

    @Test
    void healthIsUpWithTheWriterInDbAndTheReadersInRwRouting() {
        ResponseEntity<String> health = http.get().uri("/actuator/health").retrieve().toEntity(String.class);

        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        // A replica's failure must never turn db DOWN: reader pools are shown by rwRouting, not db.
        assertThat(health.getBody()).contains("\"status\":\"UP\"")
            .contains("\"writerDataSource\"")
            .contains("\"rwRouting\"")
            .contains("\"replica1\":{\"up\":true,\"role\":\"replica\"")
            .doesNotContain("\"reader-replica1DataSource\"");
    }

    @Test
    void prometheusHasHikariMetricsForEveryPool() {
        create("metrics", "3.00");
        http.get().uri("/orders").retrieve().toBodilessEntity();

        String metrics = http.get().uri("/actuator/prometheus").retrieve().body(String.class);

        assertThat(metrics).containsPattern("hikaricp_connections\\{[^}]*pool=\"writer\"")
            .containsPattern("hikaricp_connections\\{[^}]*pool=\"reader-replica1\"");
    }

    private ResponseEntity<OrderJson> create(String customer, String amount) {
        return http.post()
            .uri("/orders")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("customer", customer, "amount", new BigDecimal(amount)))
            .retrieve()
            .toEntity(OrderJson.class);
    }

    // The replica replays the write shortly after the commit: poll until it has, then read once more.
    private ResponseEntity<OrderJson> awaitOnReplica(long id) {
        await().atMost(REPLICATION_DEADLINE)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> http.get().uri("/orders/{id}", id).retrieve().toBodilessEntity().getStatusCode(),
                    status -> status.value() == 200);
        ResponseEntity<OrderJson> found = http.get().uri("/orders/{id}", id).retrieve().toEntity(OrderJson.class);
        assertThat(found.getStatusCode()).isEqualTo(HttpStatus.OK);
        return found;
    }

    private void assertBadRequest(String json, String... messages) {
        ResponseEntity<String> response = http.post()
            .uri("/orders")
            .contentType(MediaType.APPLICATION_JSON)
            .body(json)
            .retrieve()
            .toEntity(String.class);
        assertThat(response.getStatusCode()).as(json).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.getBody()).as(json).contains(messages);
    }

    // Outside a transaction the routing DataSource uses the writer: these see every committed write at once.
    private String customerOf(long id) {
        return jdbc.sql("select customer from orders where id = ?").param(id).query(String.class).single();
    }

    private long countByCustomer(String customer) {
        return jdbc.sql("select count(*) from orders where customer = ?").param(customer).query(Long.class).single();
    }
}
