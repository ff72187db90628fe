package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.rwrouting.test.PostgresCluster;
import io.github.rwrouting.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static io.github.rwrouting.sample.Http.ROUTE_HEADER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application pointed at a database it did not start, the way a user would on the command line: it must
 * use that primary and replica and start nothing of its own.
 */
class ExternalDatabaseTests {

    private static PostgresCluster external;

    private static ConfigurableApplicationContext context;

    private static RestClient http;

    @BeforeAll
    static void start() {
        external = PostgresCluster.builder().replicas(1).start();
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--spring.datasource.url=" + external.primary().jdbcUrl(),
                "--spring.datasource.username=" + external.username(),
                "--rw-routing.readers.ext.url=" + external.replica(1).jdbcUrl()));
        if (external.password() != null) {
            args.add("--spring.datasource.password=" + external.password());
        }
        context = new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
        http = Http.client(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (external != null) {
            external.close();
        }
    }

    @Test
    void startsNoLocalDatabase() {
        assertThat(context.getEnvironment().getPropertySources()
            .contains(LocalDatabaseEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
        assertThat(context.getEnvironment().getProperty("spring.datasource.url"))
            .isEqualTo(external.primary().jdbcUrl());
    }

    @Test
    void flywayMigratedTheExternalPrimary() throws SQLException {
        assertThat(count(external.primary(), "select count(*) from flyway_schema_history where success"))
            .isEqualTo(1);
    }

    @Test
    void writesGoToTheExternalPrimaryAndReadsToItsReplica() throws SQLException {
        PostgresNode replica = external.replica(1);
        // While the replica does not replay, a read that finds the new order cannot have come from it.
        replica.pauseReplay();
        long id;
        try {
            ResponseEntity<OrderJson> created = http.post()
                .uri("/orders")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("customer", "external", "amount", new BigDecimal("5.00")))
                .retrieve()
                .toEntity(OrderJson.class);
            assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
            assertThat(created.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("writer");
            id = created.getBody().id();
            assertThat(count(external.primary(), "select count(*) from orders where id = " + id)).isEqualTo(1);

            ResponseEntity<String> notYet = http.get().uri("/orders/{id}", id).retrieve().toEntity(String.class);
            assertThat(notYet.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(notYet.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-ext");
        } finally {
            replica.resumeReplay();
        }

        external.awaitReplicasCaughtUp(Duration.ofSeconds(10));
        ResponseEntity<OrderJson> found = http.get().uri("/orders/{id}", id).retrieve().toEntity(OrderJson.class);
        assertThat(found.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(found.getHeaders().getFirst(ROUTE_HEADER)).isEqualTo("reader-ext");
        assertThat(found.getBody().customer()).isEqualTo("external");
    }

    private static long count(PostgresNode node, String sql) throws SQLException {
        try (Connection connection = node.connect();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
