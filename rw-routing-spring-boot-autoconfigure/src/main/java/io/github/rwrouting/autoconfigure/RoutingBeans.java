package io.github.rwrouting.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.github.rwrouting.routing.RoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * The routing beans as built, whatever wraps them. Observability proxies (datasource-micrometer,
 * datasource-proxy, p6spy) wrap every {@code DataSource} bean in a {@code BeanPostProcessor}, the
 * pools and the routing {@code dataSource} included: a bean asked for as {@code HikariDataSource} or
 * {@code RoutingDataSource} would then not be found. Beans are asked for as {@code DataSource} and
 * unwrapped here.
 * <p>
 * Routes use the pools themselves, not their wrappers: the application's statements already pass
 * the wrapper of the routing {@code dataSource}, and would otherwise be observed (or logged) twice.
 *
 * @author rw-routing
 */
final class RoutingBeans {

	/**
	 * The name of the routing {@code DataSource} bean.
	 */
	static final String DATA_SOURCE_BEAN_NAME = "dataSource";

	private RoutingBeans() {
	}

	/**
	 * The Hikari pool behind a pool bean.
	 * @param bean the bean, perhaps wrapped
	 * @param beanName its name, for the error
	 * @return the pool
	 * @throws RwRoutingConfigurationException if the wrapper does not unwrap to the pool
	 */
	static HikariDataSource pool(DataSource bean, String beanName) {
		HikariDataSource pool = poolOrNull(bean);
		if (pool == null) {
			throw notUnwrappable(beanName, bean, HikariDataSource.class);
		}
		return pool;
	}

	/**
	 * The Hikari pool behind a data source, if there is one.
	 * @param dataSource a data source, perhaps a wrapper of a pool
	 * @return the pool, or {@code null}
	 */
	static @Nullable HikariDataSource poolOrNull(DataSource dataSource) {
		return DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
	}

	/**
	 * The routing data source behind the {@code dataSource} bean.
	 * @param bean the bean, perhaps wrapped
	 * @return the routing data source
	 * @throws RwRoutingConfigurationException if the wrapper does not unwrap to it
	 */
	static RoutingDataSource routing(DataSource bean) {
		RoutingDataSource routing = routingOrNull(bean);
		if (routing == null) {
			throw notUnwrappable(DATA_SOURCE_BEAN_NAME, bean, RoutingDataSource.class);
		}
		return routing;
	}

	/**
	 * The routing data source behind a data source, if there is one.
	 * @param dataSource a data source, perhaps a wrapper of the routing one
	 * @return the routing data source, or {@code null}
	 */
	static @Nullable RoutingDataSource routingOrNull(@Nullable DataSource dataSource) {
		if (dataSource == null) {
			return null;
		}
		if (dataSource instanceof RoutingDataSource routing) {
			return routing;
		}
		try {
			// JDBC wrappers: the proxies delegate unwrap(Class) to what they wrap.
			if (dataSource.isWrapperFor(RoutingDataSource.class)) {
				return dataSource.unwrap(RoutingDataSource.class);
			}
		}
		catch (SQLException ex) {
			// Not a wrapper that can tell: maybe a Spring proxy or a DelegatingDataSource.
		}
		return DataSourceUnwrapper.unwrap(dataSource, RoutingDataSource.class);
	}

	private static RwRoutingConfigurationException notUnwrappable(String beanName, DataSource bean,
			Class<?> expected) {
		return new RwRoutingConfigurationException("spring.datasource",
				"the bean '" + beanName + "' was replaced by a " + bean.getClass().getName()
						+ " that does not unwrap to the " + expected.getSimpleName() + " rw-routing created",
				"Let the BeanPostProcessor that wraps DataSource beans delegate DataSource.unwrap(Class) to the "
						+ "DataSource it wraps (datasource-proxy, datasource-micrometer and p6spy do), or exclude "
						+ "the bean '" + beanName + "' from wrapping.");
	}

}
