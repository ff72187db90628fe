package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** The JSON body of {@code POST /orders} and {@code PUT /orders/{id}}. */
record OrderRequest(String customer, BigDecimal amount) {

    // the limits of the columns: varchar(100) and numeric(12, 2)
    private static final int MAX_CUSTOMER_LENGTH = 100;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");

    /**
     * @return this request with the customer trimmed and the amount at scale 2
     * @throws ResponseStatusException 400, naming every invalid field, so that the client sees them all at once
     */
    OrderRequest validated() {
        List<String> problems = new ArrayList<>();
        if (customer == null || customer.isBlank()) {
            problems.add("customer is required");
        } else if (customer.strip().length() > MAX_CUSTOMER_LENGTH) {
            problems.add("customer must be at most " + MAX_CUSTOMER_LENGTH + " characters");
        }
        if (amount == null) {
            problems.add("amount is required");
        } else if (amount.signum() < 0) {
            problems.add("amount must not be negative");
        } else if (amount.compareTo(MAX_AMOUNT) > 0) {
            problems.add("amount must be at most " + MAX_AMOUNT);
        } else if (amount.stripTrailingZeros().scale() > 2) {
            problems.add("amount must have at most 2 decimals");
        }
        if (!problems.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, String.join("; ", problems));
        }
        // scale 2 as stored, so that a response shows 13.00 whether it was just written or read back
        return new OrderRequest(customer.strip(), amount.setScale(2));
    }
}
