package io.github.rwrouting.web;

import java.io.IOException;

import io.github.rwrouting.routing.RouteDecision;
import io.github.rwrouting.routing.RouteListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds a header naming the pool that served the request's last transaction ({@code writer},
 * {@code reader-<name>}). The header is set when the connection is routed, not when the request
 * ends, because by then the response is usually committed.
 *
 * @author rw-routing
 */
public class RouteHeaderFilter extends OncePerRequestFilter implements RouteListener {

	private final String headerName;

	private final ThreadLocal<HttpServletResponse> currentResponse = new ThreadLocal<>();

	/**
	 * Create a filter.
	 * @param headerName the response header to set
	 */
	public RouteHeaderFilter(String headerName) {
		this.headerName = headerName;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.currentResponse.set(response);
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.currentResponse.remove();
		}
	}

	@Override
	public void routed(RouteDecision decision) {
		HttpServletResponse response = this.currentResponse.get();
		if (response != null && !response.isCommitted()) {
			response.setHeader(this.headerName, decision.route().poolName());
		}
	}

}
