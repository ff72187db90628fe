package io.github.rwrouting.routing;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link RouteToWriter @RouteToWriter} methods in a {@link WriterRouting writer scope}.
 *
 * @author rw-routing
 */
public class RouteToWriterInterceptor implements MethodInterceptor {

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		return WriterRouting.call(invocation::proceed);
	}

}
