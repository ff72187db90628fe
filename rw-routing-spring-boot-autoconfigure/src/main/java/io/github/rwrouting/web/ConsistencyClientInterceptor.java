package io.github.rwrouting.web;

import java.io.IOException;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Carries the current scope's consistency token to a downstream service that also runs rw-routing
 * ({@code RestClient}, {@code RestTemplate}), and merges the token it answers with, so that what the
 * downstream service wrote is visible to this service's next reads too.
 *
 * @author rw-routing
 */
public class ConsistencyClientInterceptor implements ClientHttpRequestInterceptor {

	private final ConsistencyContext context;

	private final ConsistencyTokenCodec codec;

	private final String headerName;

	/**
	 * Create an interceptor.
	 * @param context the scope holder
	 * @param codec encodes and checks tokens
	 * @param headerName the header that carries the token
	 */
	public ConsistencyClientInterceptor(ConsistencyContext context, ConsistencyTokenCodec codec, String headerName) {
		this.context = context;
		this.codec = codec;
		this.headerName = headerName;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		ConsistencyToken token = this.context.current();
		if (token != null) {
			request.getHeaders().set(this.headerName, this.codec.encode(token));
		}
		ClientHttpResponse response = execution.execute(request, body);
		String returned = response.getHeaders().getFirst(this.headerName);
		if (returned != null) {
			this.context.merge(this.codec.decode(returned, System.currentTimeMillis()).token());
		}
		return response;
	}

}
