package io.github.rwrouting.sample;

import java.math.BigDecimal;

/** An order as a client reads it (timestamps kept as text: the tests only check that they are there). */
record OrderJson(Long id, String customer, BigDecimal amount, String createdAt, String updatedAt) {
}
