package io.github.rwrouting.sample;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.rwrouting.test.MariaDbCluster;
import io.github.rwrouting.test.PostgresCluster;
import org.apache.commons.logging.Log;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Local default ("dev services"): when no database is configured, starts a throwaway PostgreSQL primary with
 * one streaming replica, or with {@code local-database=mariadb} a MariaDB primary with one GTID replica, and
 * points the writer and the reader {@code replica1} at them, so that the sample runs with a plain
 * {@code java -jar}. Unless one is configured, it also sets a consistency token signing key for this
 * run. It must be an environment post-processor: the URLs have to be in the
 * environment before the context creates the pools.
 *
 * <p>Nothing is started when {@code spring.datasource.url} is set anywhere (command line,
 * {@code SPRING_DATASOURCE_URL}, a config file, ...) or when {@code local-postgres.enabled=false} (whichever
 * {@code local-database} is chosen). It is
 * deliberately not {@code Ordered}: it runs after the config data post-processor, so that a URL in an
 * {@code application-<profile>.yml} counts too.
 *
 * <p>During Spring AOT processing (the build) nothing is started: only the reader's name is put in the
 * environment, since AOT fixes the set of reader pools at build time.
 */
class LocalDatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE_NAME = "localDatabase";

    /** Which server to start: {@code postgresql} (the default) or {@code mariadb}. */
    static final String DATABASE = "local-database";

    static final String SIGNING_KEY = "rw-routing.consistency.signing-key";

    private final Log log;

    // Boot passes a deferred log: the logging system is not initialized yet when this runs.
    LocalDatabaseEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(LocalDatabaseEnvironmentPostProcessor.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))
                || !environment.getProperty("local-postgres.enabled", Boolean.class, true)) {
            return;
        }
        if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
            // Spring AOT (the build's process-aot) fixes the reader pools then: it needs to know that the reader
            // replica1 exists, not where it is. No server is started; at run time the URLs are the real ones.
            environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
                    Map.of("rw-routing.readers." + PostgresCluster.REPLICA_NAME_PREFIX + 1 + ".url",
                            "jdbc:postgresql://localhost/aot-processing-placeholder")));
            return;
        }
        LocalCluster cluster = start(environment.getProperty(DATABASE, "postgresql"));
        application.addListeners(new ClusterCloser(cluster.server()));

        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", cluster.writerUrl());
        properties.put("spring.datasource.username", cluster.username());
        if (cluster.password() != null) {
            properties.put("spring.datasource.password", cluster.password());
        }
        properties.put("rw-routing.readers." + cluster.readerName() + ".url", cluster.readerUrl());
        if (!StringUtils.hasText(environment.getProperty(SIGNING_KEY))) {
            // One process on a database discarded at exit: a key for this run only is all it needs. Set here
            // rather than left to the library's default (the same, with a startup warning meant for real
            // deployments, where every instance needs the same key).
            properties.put(SIGNING_KEY, randomKey());
        }
        // first: these servers only accept the credentials above, whatever else is configured
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
        log.info("spring.datasource.url is not set: started a local " + cluster.product() + " for this run (data is"
                + " discarded on exit): writer " + cluster.writerUrl() + ", reader " + cluster.readerName() + " "
                + cluster.readerUrl());
    }

    private static LocalCluster start(String database) {
        return switch (database.toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres" -> {
                PostgresCluster cluster = PostgresCluster.builder().replicas(1).start();
                yield new LocalCluster(cluster, "PostgreSQL", cluster.primary().jdbcUrl(), cluster.replica(1).name(),
                        cluster.replica(1).jdbcUrl(), cluster.username(), cluster.password());
            }
            case "mariadb" -> {
                MariaDbCluster cluster = MariaDbCluster.builder().replicas(1).start();
                // allowMultiQueries: rw-routing reads a write's GTID in the COMMIT's round trip
                yield new LocalCluster(cluster, "MariaDB", cluster.primary().jdbcUrl() + "?allowMultiQueries=true",
                        cluster.replica(1).name(), cluster.replica(1).jdbcUrl(), cluster.username(),
                        cluster.password());
            }
            default -> throw new IllegalStateException(DATABASE + "=" + database
                    + " is not a local database this sample can start: use postgresql (the default) or mariadb");
        };
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    /** A started primary and replica: what the application is pointed at, and what stops them. */
    private record LocalCluster(AutoCloseable server, String product, String writerUrl, String readerName,
            String readerUrl, String username, String password) {
    }

    /**
     * Stops the cluster with the application, after everything that uses it: it is registered as the context's
     * first disposable bean, so it is destroyed last, once the monitor and the pools have stopped. (Closing it on
     * ContextClosedEvent would stop the servers while they still run.) The cluster's own shutdown hook is only the
     * fallback.
     */
    private static final class ClusterCloser implements ApplicationListener<ApplicationEvent> {

        private static final String BEAN_NAME = "localDatabaseClusterCloser";

        private final AutoCloseable cluster;

        ClusterCloser(AutoCloseable cluster) {
            this.cluster = cluster;
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof ApplicationPreparedEvent prepared) {
                // before the refresh creates any bean: disposable beans are destroyed in reverse order
                ((DefaultSingletonBeanRegistry) prepared.getApplicationContext().getBeanFactory())
                    .registerDisposableBean(BEAN_NAME, cluster::close);
            } else if (event instanceof ApplicationFailedEvent) {
                close(); // also when the start failed before a context was prepared; closing twice is a no-op
            }
        }

        private void close() {
            try {
                cluster.close();
            } catch (Exception ex) {
                throw new IllegalStateException("Could not stop the local database " + cluster, ex);
            }
        }
    }
}
