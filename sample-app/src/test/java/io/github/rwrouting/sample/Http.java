package io.github.rwrouting.sample;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/** A client of the running sample that returns 4xx/5xx responses instead of throwing, so tests assert them. */
final class Http {

    static final String ROUTE_HEADER = "X-RW-Route";

    private Http() {
    }

    static RestClient client(int port) {
        return RestClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
    }
}
