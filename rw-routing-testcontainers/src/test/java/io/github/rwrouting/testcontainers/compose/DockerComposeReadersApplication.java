package io.github.rwrouting.testcontainers.compose;

import java.util.Map;

import io.github.rwrouting.routing.Route;
import io.github.rwrouting.routing.RoutingDataSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application {@link DockerComposeReadersTests} runs in a JVM of its own: Spring Boot runs
 * {@code docker compose down} from the JVM's shutdown hook, so only a JVM that exits shows that it ran.
 * It starts with the compose file given as its first argument and no URL property, prints what it saw as
 * {@code result: } lines, and exits. The optional second argument is the query naming the node a
 * connection reached (PostgreSQL's {@code cluster_name} by default). In a package of its own, so that the
 * {@code @SpringBootTest}s of the parent package do not find it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class DockerComposeReadersApplication {

	static final String RESULT = "result: ";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(DockerComposeReadersApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.docker.compose.file", args[0],
				"spring.docker.compose.lifecycle-management", "start-and-stop", "spring.docker.compose.stop.command",
				"down",
				// Boot skips Docker Compose when started from a test framework (@SpringBootTest): not here.
				"spring.docker.compose.skip.in-tests", "false"));
		try (ConfigurableApplicationContext context = application.run()) {
			RoutingDataSource routing = context.getBean(RoutingDataSource.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
			readOnly.setReadOnly(true);
			TransactionTemplate readWrite = new TransactionTemplate(transactionManager);
			String node = (args.length > 1) ? args[1] : "select current_setting('cluster_name')";
			print("readers=" + routing.getPlanner().readers().stream().map(Route::name).toList());
			print("read-only=" + readOnly.execute((status) -> jdbc.sql(node).query(String.class).single()));
			print("read-write=" + readWrite.execute((status) -> {
				jdbc.sql("create table if not exists note (text text)").update();
				return jdbc.sql(node).query(String.class).single();
			}));
			print("spring.datasource.url=" + context.getEnvironment().getProperty("spring.datasource.url"));
			print("rw-routing.readers.replica-1.url="
					+ context.getEnvironment().getProperty("rw-routing.readers.replica-1.url"));
		}
	}

	private static void print(String result) {
		System.out.println(RESULT + result);
	}

}
