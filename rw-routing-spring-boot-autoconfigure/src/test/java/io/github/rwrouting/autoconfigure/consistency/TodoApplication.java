package io.github.rwrouting.autoconfigure.consistency;

import java.util.concurrent.CompletableFuture;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A small service for the consistency tests: writes, reads, a call to a second instance, and an
 * {@code @Async} hop. {@code todos.on-replica-sql} is the query answering whether a connection is
 * on a replica (PostgreSQL's by default).
 */
@SpringBootApplication
@EnableAsync
public class TodoApplication {

	@Bean
	WebClient.Builder webClientBuilder() {
		return WebClient.builder().clientConnector(new JdkClientHttpConnector());
	}

	@Service
	public static class TodoService {

		private final JdbcClient jdbc;

		private final String onReplicaSql;

		TodoService(JdbcClient jdbc, @Value("${todos.on-replica-sql:select pg_is_in_recovery()}") String onReplicaSql) {
			this.jdbc = jdbc;
			this.onReplicaSql = onReplicaSql;
		}

		@Transactional
		public void create(String text) {
			this.jdbc.sql("insert into todos (text) values (?)").param(text).update();
		}

		@Transactional(readOnly = true)
		public long count(String text) {
			return this.jdbc.sql("select count(*) from todos where text = ?").param(text).query(Long.class).single();
		}

		@Transactional(readOnly = true)
		public boolean readsFromReplica() {
			return this.jdbc.sql(this.onReplicaSql).query(Boolean.class).single();
		}

	}

	@Service
	public static class AsyncReader {

		private final TodoService todos;

		AsyncReader(TodoService todos) {
			this.todos = todos;
		}

		@Async
		public CompletableFuture<Long> count(String text) {
			return CompletableFuture.completedFuture(this.todos.count(text));
		}

	}

	@RestController
	static class TodoController {

		private final TodoService todos;

		private final AsyncReader asyncReader;

		private final RestClient.Builder restClient;

		private final RestTemplateBuilder restTemplate;

		private final WebClient.Builder webClient;

		private final String downstream;

		TodoController(TodoService todos, AsyncReader asyncReader, RestClient.Builder restClient,
				RestTemplateBuilder restTemplate, WebClient.Builder webClient,
				@Value("${downstream.url:}") String downstream) {
			this.todos = todos;
			this.asyncReader = asyncReader;
			this.restClient = restClient;
			this.restTemplate = restTemplate;
			this.webClient = webClient;
			this.downstream = downstream;
		}

		@PostMapping("/todos/relay-rest-template")
		Long relayRestTemplate(@RequestParam String text) {
			this.todos.create(text);
			return this.restTemplate.baseUri(this.downstream)
				.build()
				.getForObject("/todos/count?text={text}", Long.class, text);
		}

		@PostMapping("/todos/relay-web-client")
		Long relayWebClient(@RequestParam String text) {
			this.todos.create(text);
			return this.webClient.baseUrl(this.downstream)
				.build()
				.get()
				.uri("/todos/count?text={text}", text)
				.retrieve()
				.bodyToMono(Long.class)
				.block();
		}

		@PostMapping("/todos")
		String create(@RequestParam String text) {
			this.todos.create(text);
			return "created";
		}

		@GetMapping("/todos/count")
		long count(@RequestParam String text) {
			return this.todos.count(text);
		}

		/**
		 * Writes here, then asks the downstream instance to count: it must see this write.
		 */
		@PostMapping("/todos/relay")
		Long relay(@RequestParam String text) {
			this.todos.create(text);
			return this.restClient.baseUrl(this.downstream)
				.build()
				.get()
				.uri("/todos/count?text={text}", text)
				.retrieve()
				.body(Long.class);
		}

		/**
		 * Writes here, then counts on another thread: it must see this write.
		 */
		@PostMapping("/todos/async")
		Long async(@RequestParam String text) throws Exception {
			this.todos.create(text);
			return this.asyncReader.count(text).get();
		}

	}

}
