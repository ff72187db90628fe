package io.github.rwrouting.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Run a method, or every method of a class, in a {@link WriterRouting writer scope}: its reads go to
 * the writer, read-only transactions included. On a method or a class, like {@code @Transactional};
 * on a class it covers every public method of the bean. The scope opens outside the transaction and
 * {@code @FailoverRetry}, so it covers the whole transaction and every re-run. Calls from inside the
 * same bean are not intercepted (Spring proxies).
 * <p>
 * The name says what it does to the routing decision: the work is routed to the writer. It does not
 * make the work read-write: a read-only transaction stays read-only, on the writer.
 *
 * @author rw-routing
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface RouteToWriter {

}
