package io.github.rwrouting.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping("/orders")
class OrderController {

    private final OrderService service;

    OrderController(OrderService service) {
        this.service = service;
    }

    @GetMapping
    List<OrderView> list() {
        return service.list();
    }

    @GetMapping(params = "customer")
    List<OrderView> byCustomer(@RequestParam String customer) {
        return service.byCustomer(customer);
    }

    @GetMapping("/{id}")
    OrderView find(@PathVariable long id) {
        return service.find(id).orElseThrow(() -> notFound(id));
    }

    @PostMapping
    ResponseEntity<OrderView> create(@RequestBody OrderRequest request, UriComponentsBuilder uris) {
        OrderView created = service.create(request.validated());
        return ResponseEntity.created(uris.path("/orders/{id}").buildAndExpand(created.id()).toUri()).body(created);
    }

    @PutMapping("/{id}")
    OrderView update(@PathVariable long id, @RequestBody OrderRequest request) {
        return service.update(id, request.validated()).orElseThrow(() -> notFound(id));
    }

    private static ResponseStatusException notFound(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No order with id " + id);
    }
}
