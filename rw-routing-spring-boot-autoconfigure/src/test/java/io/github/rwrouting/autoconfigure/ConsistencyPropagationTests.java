package io.github.rwrouting.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyThreadLocalAccessor;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.micrometer.context.ContextRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.TaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consistency token travels with work handed to other threads: executors (through the task
 * decorator) and Reactor pipelines (through Micrometer's context registry). No database is needed:
 * this is about threads.
 */
class ConsistencyPropagationTests {

	private static final ConsistencyToken TOKEN = new ConsistencyToken(
			List.of(new ConsistencyToken.Entry(42, 1, 1000, 1)), Long.MAX_VALUE);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwRoutingAutoConfiguration.class,
				RwRoutingConsistencyPropagationAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"rw-routing.readers.replica.url=jdbc:postgresql://127.0.0.1:1/app", "rw-routing.monitor.enabled=false");

	@Test
	void anExecutorTaskSeesTheSubmittersToken() {
		this.runner.run((context) -> {
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			TaskDecorator decorator = context.getBean(TaskDecorator.class);
			consistency.set(TOKEN);
			try {
				CompletableFuture<ConsistencyToken> seen = new CompletableFuture<>();
				Runnable task = decorator.decorate(() -> seen.complete(consistency.current()));
				new Thread(task).start();
				assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(TOKEN);
			}
			finally {
				consistency.set(null);
			}
		});
	}

	@Test
	void aReactorPipelineOnAnotherSchedulerSeesTheSubscribersToken() {
		this.runner.run((context) -> {
			ConsistencyContext consistency = context.getBean(ConsistencyContext.class);
			consistency.set(TOKEN);
			Hooks.enableAutomaticContextPropagation();
			try {
				ConsistencyToken seen = Mono.fromCallable(consistency::current)
					.subscribeOn(Schedulers.boundedElastic())
					.contextCapture()
					.block();
				assertThat(seen).isEqualTo(TOKEN);
			}
			finally {
				Hooks.disableAutomaticContextPropagation();
				consistency.set(null);
			}
		});
	}

	@Test
	void theAccessorIsRegisteredOnlyWhileTheApplicationRuns() {
		this.runner.run((context) -> assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
			.anyMatch((accessor) -> ConsistencyThreadLocalAccessor.KEY.equals(accessor.key())));
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
			.noneMatch((accessor) -> ConsistencyThreadLocalAccessor.KEY.equals(accessor.key()));
	}

}
