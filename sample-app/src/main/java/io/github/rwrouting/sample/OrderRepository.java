package io.github.rwrouting.sample;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface OrderRepository extends JpaRepository<Order, Long> {

    // A derived query method: Spring Data runs it without a transaction unless the caller has one.
    List<Order> findTop100ByCustomerOrderByIdDesc(String customer);
}
