package io.github.rwrouting.web;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Carries the calling thread's consistency token to a downstream service through {@code WebClient}.
 * The token is read when the request is built, on the thread that builds it (with context
 * propagation, the thread that holds the caller's scope).
 *
 * @author rw-routing
 */
public class ConsistencyExchangeFilter implements ExchangeFilterFunction {

	private final ConsistencyContext context;

	private final ConsistencyTokenCodec codec;

	private final String headerName;

	/**
	 * Create a filter.
	 * @param context the scope holder
	 * @param codec encodes tokens
	 * @param headerName the header that carries the token
	 */
	public ConsistencyExchangeFilter(ConsistencyContext context, ConsistencyTokenCodec codec, String headerName) {
		this.context = context;
		this.codec = codec;
		this.headerName = headerName;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		ConsistencyToken token = this.context.current();
		if (token == null) {
			return next.exchange(request);
		}
		return next.exchange(
				ClientRequest.from(request).header(this.headerName, this.codec.encode(token)).build());
	}

}
