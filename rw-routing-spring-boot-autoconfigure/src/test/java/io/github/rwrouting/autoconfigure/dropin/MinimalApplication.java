package io.github.rwrouting.autoconfigure.dropin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;

/**
 * A minimal application: the starter, spring-jdbc and whatever the class path holds. Started by
 * {@link NoMicrometerApplicationTests} in a class loader without Micrometer and Actuator; it
 * answers with plain strings, the only types both class loaders share.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class MinimalApplication {

	/**
	 * Start the application, run a read-only transaction and report what was seen.
	 * @param args the application's arguments (properties as {@code --name=value})
	 * @return what the application saw
	 */
	public static Map<String, String> run(String[] args) {
		return run(MinimalApplication.class, args);
	}

	/**
	 * Start an application, run a read-only transaction and report what was seen.
	 * @param application the application's class
	 * @param args the application's arguments (properties as {@code --name=value})
	 * @return what the application saw
	 */
	public static Map<String, String> run(Class<?> application, String[] args) {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("micrometer", String.valueOf(ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
				MinimalApplication.class.getClassLoader())));
		facts.put("actuator", String.valueOf(ClassUtils.isPresent(
				"org.springframework.boot.actuate.endpoint.SanitizingFunction", MinimalApplication.class.getClassLoader())));
		try (ConfigurableApplicationContext context = new SpringApplication(application).run(args)) {
			DataSource dataSource = context.getBean(DataSource.class);
			facts.put("dataSource", dataSource.getClass().getName());
			TransactionTemplate readOnly = new TransactionTemplate(
					context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			JdbcClient jdbc = JdbcClient.create(dataSource);
			facts.put("readOnlyNode", readOnly.execute((status) -> jdbc
				.sql("select case when pg_is_in_recovery() then 'replica' else 'primary' end")
				.query(String.class)
				.single()));
			facts.put("rwRoutingBeans", Arrays.stream(context.getBeanDefinitionNames())
				.filter((name) -> name.startsWith("rwRouting") || name.startsWith("io.github.rwrouting"))
				.sorted()
				.collect(Collectors.joining(",")));
		}
		return facts;
	}

}
