package io.github.rwrouting.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link PostgresCluster} once for the annotated test class (shared by its {@code @Nested} classes)
 * and closes it after the class. Test methods, constructors and lifecycle methods receive it by declaring a
 * {@link PostgresCluster} parameter:
 *
 * <pre>{@code
 * @ReplicatedPostgres(replicas = 2)
 * class RoutingTest {
 *     @Test
 *     void readsGoToReplicas(PostgresCluster cluster) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PostgresClusterExtension.class)
public @interface ReplicatedPostgres {

    /** @return the number of streaming standbys */
    int replicas() default 1;

    /** @return whether {@code replica1} is a synchronous standby, see {@link PostgresCluster.Builder#synchronousStandby} */
    boolean synchronousStandby() default false;

    /** @return extra postgresql.conf settings for all nodes, each as {@code name=value} */
    String[] settings() default {};

    /** @return the database to create */
    String database() default "app";
}
