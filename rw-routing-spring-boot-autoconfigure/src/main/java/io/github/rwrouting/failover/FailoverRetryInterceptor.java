package io.github.rwrouting.failover;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs {@link FailoverRetry} methods through Spring Framework's {@link RetryTemplate}, outside the
 * transaction they start.
 *
 * @author rw-routing
 */
public class FailoverRetryInterceptor implements MethodInterceptor {

	private final RetryTemplate retryTemplate;

	private final RetryTemplate retryTemplateIncludingUnknownOutcome;

	// The template each method uses, found from its annotations once rather than on every call.
	private final Map<MethodClassKey, RetryTemplate> templates = new ConcurrentHashMap<>();

	/**
	 * Create an interceptor.
	 * @param policy new builders with the backoff, jitter and limits, without a predicate
	 * @param listener told of every retry, for metrics
	 */
	public FailoverRetryInterceptor(Supplier<RetryPolicy.Builder> policy, RetryListener listener) {
		// RetryPolicy.Builder combines predicates: each template starts from its own builder.
		this.retryTemplate = template(policy.get().predicate(FailoverRetryInterceptor::isSafeToRetry).build(),
				listener);
		this.retryTemplateIncludingUnknownOutcome = template(
				policy.get().predicate(FailoverExceptions::isFailover).build(), listener);
	}

	private static RetryTemplate template(RetryPolicy policy, RetryListener listener) {
		RetryTemplate template = new RetryTemplate(policy);
		template.setRetryListener(listener);
		return template;
	}

	private static boolean isSafeToRetry(Throwable ex) {
		return FailoverExceptions.isFailover(ex) && !FailoverExceptions.isCommitOutcomeUnknown(ex);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		if (TransactionSynchronizationManager.isActualTransactionActive()
				|| !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			// Inside an outer transaction: only the outer boundary can be re-run.
			return invocation.proceed();
		}
		Method method = invocation.getMethod();
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		RetryTemplate template = this.templates.computeIfAbsent(new MethodClassKey(method, targetClass), (key) -> {
			FailoverRetry settings = settings(method, targetClass);
			return (settings != null && settings.retryUnknownCommitOutcome())
					? this.retryTemplateIncludingUnknownOutcome : this.retryTemplate;
		});
		try {
			return template.execute(new Retryable<@Nullable Object>() {

				@Override
				public @Nullable Object execute() throws Throwable {
					return proxyInvocation.invocableClone().proceed();
				}

				@Override
				public String getName() {
					return invocation.getMethod().toGenericString();
				}

			});
		}
		catch (RetryException ex) {
			throw ex.getLastException();
		}
	}

	private static @Nullable FailoverRetry settings(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		FailoverRetry onMethod = AnnotatedElementUtils.findMergedAnnotation(specific, FailoverRetry.class);
		return (onMethod != null) ? onMethod : AnnotatedElementUtils.findMergedAnnotation(targetClass,
				FailoverRetry.class);
	}

}
