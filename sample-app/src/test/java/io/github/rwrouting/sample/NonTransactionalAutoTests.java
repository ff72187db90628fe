package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static io.github.rwrouting.sample.Http.ROUTE_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user with {@code rw-routing.non-transactional=auto} runs it: a Spring Data derived query
 * method called outside any transaction (the way most repository reads run) is served by the replica, which
 * the response's route header and the routing decision log say; writes stay on the writer.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "rw-routing.non-transactional=auto", "logging.level.io.github.rwrouting.routing.decisions=debug" })
@ExtendWith(OutputCaptureExtension.class)
class NonTransactionalAutoTests {

    private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(10);

    @LocalServerPort
    private int port;

    @Test
    void aDerivedQueryOutsideATransactionIsServedByTheReplica(CapturedOutput output) {
        RestClient http = Http.client(port);
        ResponseEntity<OrderJson> created = http.post()
            .uri("/orders")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("customer", "hopper", "amount", new BigDecimal("3.10")))
            .retrieve()
            .toEntity(OrderJson.class);
        assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
        long id = created.getBody().id();

        // No token cookie here: the read may see replica lag, so wait until the replica has the order.
        ParameterizedTypeReference<List<OrderJson>> orders = new ParameterizedTypeReference<>() {
        };
        await().atMost(REPLICATION_DEADLINE)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> http.get().uri("/orders?customer={customer}", "hopper").retrieve().toEntity(orders).getBody(),
                    (found) -> found.stream().anyMatch((order) -> order.id() == id));
        ResponseEntity<List<OrderJson>> byCustomer = http.get()
            .uri("/orders?customer={customer}", "hopper")
            .retrieve()
            .toEntity(orders);
        assertThat(byCustomer.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(byCustomer.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-replica1");
        assertThat(byCustomer.getBody()).extracting(OrderJson::customer).containsOnly("hopper");
        assertThat(output).contains("routed to reader-replica1 reason=non-transactional outside a transaction");
    }

}
