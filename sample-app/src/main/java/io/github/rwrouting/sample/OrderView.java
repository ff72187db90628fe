package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** An order as the API returns it; also the row type of {@link OrderQueries}. */
record OrderView(long id, String customer, BigDecimal amount, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static OrderView of(Order order) {
        return new OrderView(order.getId(), order.getCustomer(), order.getAmount(), order.getCreatedAt(),
                order.getUpdatedAt());
    }
}
