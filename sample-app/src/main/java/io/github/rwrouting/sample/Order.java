package io.github.rwrouting.sample;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

@Entity
@Table(name = "orders")
class Order {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 100)
    private String customer;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    // Filled by the column default (now()) and read back after the insert.
    @Generated
    private OffsetDateTime createdAt;

    private OffsetDateTime updatedAt;

    protected Order() {
        // for JPA
    }

    Order(String customer, BigDecimal amount) {
        this.customer = customer;
        this.amount = amount;
    }

    void change(String customer, BigDecimal amount) {
        this.customer = customer;
        this.amount = amount;
        this.updatedAt = OffsetDateTime.now();
    }

    Long getId() {
        return id;
    }

    String getCustomer() {
        return customer;
    }

    BigDecimal getAmount() {
        return amount;
    }

    OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }
}
