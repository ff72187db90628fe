package io.github.rwrouting.failover;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Re-run a whole transactional method when it fails because of a failover (a connection lost, a node
 * shutting down, the writer pool reaching a demoted node), with exponential backoff and jitter as
 * configured under {@code rw-routing.failover.retry.*}. The retry wraps the transaction boundary: put
 * it on the same method as {@code @Transactional} (or on a method that calls one); it does nothing
 * when the method joins an outer transaction, since that transaction cannot be re-run from inside.
 *
 * @author rw-routing
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface FailoverRetry {

	/**
	 * Whether to retry when the commit outcome is unknown (08007, or the connection was lost during
	 * COMMIT). The transaction may have committed: only set this for transactions that are safe to
	 * apply twice (idempotent writes).
	 * @return {@code true} to retry those too
	 */
	boolean retryUnknownCommitOutcome() default false;

}
