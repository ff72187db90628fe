package io.github.rwrouting.sample;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Plain SQL reads next to JPA. Called inside the service's read-only transaction, they run on the same
 * (replica) connection as the JPA reads would.
 */
@Component
class OrderQueries {

    private final JdbcClient jdbc;

    OrderQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest orders first; capped so that a response stays small however many orders there are. */
    List<OrderView> newest(int limit) {
        return jdbc.sql("""
                select id, customer, amount, created_at, updated_at
                from orders
                order by id desc
                limit :limit""")
            .param("limit", limit)
            .query(OrderView.class)
            .list();
    }
}
