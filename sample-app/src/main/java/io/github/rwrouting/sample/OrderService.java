package io.github.rwrouting.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The transaction boundaries decide the route: {@code readOnly = true} goes to a replica, the rest to the
 * primary.
 */
@Service
class OrderService {

    private static final int LIST_LIMIT = 100;

    private final OrderRepository repository;
    private final OrderQueries queries;

    OrderService(OrderRepository repository, OrderQueries queries) {
        this.repository = repository;
        this.queries = queries;
    }

    @Transactional(readOnly = true)
    List<OrderView> list() {
        return queries.newest(LIST_LIMIT);
    }

    @Transactional(readOnly = true)
    Optional<OrderView> find(long id) {
        return repository.findById(id).map(OrderView::of);
    }

    /**
     * No transaction, as most Spring Data query methods run: on the primary by default, on a replica with
     * {@code rw-routing.non-transactional=auto} (a plain SELECT).
     */
    List<OrderView> byCustomer(String customer) {
        return repository.findTop100ByCustomerOrderByIdDesc(customer).stream().map(OrderView::of).toList();
    }

    @Transactional
    OrderView create(OrderRequest request) {
        return OrderView.of(repository.save(new Order(request.customer(), request.amount())));
    }

    @Transactional
    Optional<OrderView> update(long id, OrderRequest request) {
        return repository.findById(id).map(order -> {
            order.change(request.customer(), request.amount()); // written at commit, when this method returns
            return OrderView.of(order);
        });
    }
}
