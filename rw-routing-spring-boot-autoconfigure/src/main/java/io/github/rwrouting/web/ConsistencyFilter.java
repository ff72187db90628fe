package io.github.rwrouting.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Enumeration;
import java.util.function.LongSupplier;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyOutcome;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes a web request the scope of a consistency token: reads the tokens the client sent (every
 * header and every cookie of that name, merged: a stale or broken one cannot hide a valid one), and
 * sends the advanced token back in both, just before the response is committed, when the request
 * wrote. A bad, forged or expired token is ignored and counted, never an error. No token lives
 * longer than {@code ttl} from the moment this service accepts or re-signs it.
 *
 * @author rw-routing
 */
public class ConsistencyFilter extends OncePerRequestFilter {

	private final ConsistencyContext context;

	private final ConsistencyTokenCodec codec;

	private final ConsistencyGuard guard;

	private final String headerName;

	private final String cookieName;

	private final Duration ttl;

	private final long ttlMillis;

	private final LongSupplier clock;

	/**
	 * Create a filter.
	 * @param context the scope holder
	 * @param codec encodes and checks tokens
	 * @param guard counts rejected tokens
	 * @param headerName the request and response header
	 * @param cookieName the cookie
	 * @param ttl how long the cookie lives
	 * @param clock the current time in epoch milliseconds
	 */
	public ConsistencyFilter(ConsistencyContext context, ConsistencyTokenCodec codec, ConsistencyGuard guard,
			String headerName, String cookieName, Duration ttl, LongSupplier clock) {
		this.context = context;
		this.codec = codec;
		this.guard = guard;
		this.headerName = headerName;
		this.cookieName = cookieName;
		this.ttl = ttl;
		this.ttlMillis = ttl.toMillis();
		this.clock = clock;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ConsistencyToken incoming = incomingToken(request);
		ConsistencyToken outer = this.context.current();
		this.context.set(incoming);
		TokenWritingResponse tokenResponse = new TokenWritingResponse(request, response, incoming);
		try {
			chain.doFilter(request, tokenResponse);
		}
		finally {
			tokenResponse.writeToken();
			this.context.set(outer);
		}
	}

	/**
	 * Every token the request carries, merged: a client may send the header and the cookie (one of
	 * them stale or broken), or several cookies of the same name (set for different paths).
	 */
	private @Nullable ConsistencyToken incomingToken(HttpServletRequest request) {
		long now = this.clock.getAsLong();
		ConsistencyToken incoming = null;
		Enumeration<String> headers = request.getHeaders(this.headerName);
		while (headers != null && headers.hasMoreElements()) {
			incoming = accept(incoming, headers.nextElement(), now);
		}
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (this.cookieName.equals(cookie.getName())) {
					incoming = accept(incoming, cookie.getValue(), now);
				}
			}
		}
		return (incoming != null) ? incoming.expiringBy(now + this.ttlMillis) : null;
	}

	private @Nullable ConsistencyToken accept(@Nullable ConsistencyToken accepted, String value, long now) {
		ConsistencyTokenCodec.Decoded decoded = this.codec.decode(value, now);
		if (decoded.rejection() != null) {
			if (decoded.rejection() != ConsistencyOutcome.NO_TOKEN) {
				this.guard.outcome(decoded.rejection());
			}
			return accepted;
		}
		return (accepted != null) ? accepted.merge(decoded.token()) : decoded.token();
	}

	/**
	 * Writes the token header and cookie once, at the last moment headers can still be set.
	 */
	private final class TokenWritingResponse extends HttpServletResponseWrapper {

		private final HttpServletRequest request;

		private final @Nullable ConsistencyToken incoming;

		private boolean written;

		TokenWritingResponse(HttpServletRequest request, HttpServletResponse response,
				@Nullable ConsistencyToken incoming) {
			super(response);
			this.request = request;
			this.incoming = incoming;
		}

		void writeToken() {
			if (this.written || isCommitted()) {
				return;
			}
			this.written = true;
			ConsistencyToken current = ConsistencyFilter.this.context.current();
			if (current == null || current.equals(this.incoming)) {
				return;
			}
			String value = ConsistencyFilter.this.codec.encode(
					current.expiringBy(ConsistencyFilter.this.clock.getAsLong() + ConsistencyFilter.this.ttlMillis));
			setHeader(ConsistencyFilter.this.headerName, value);
			ResponseCookie cookie = ResponseCookie.from(ConsistencyFilter.this.cookieName, value)
				.path("/")
				.httpOnly(true)
				.secure(this.request.isSecure())
				.sameSite("Lax")
				.maxAge(ConsistencyFilter.this.ttl)
				.build();
			addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			writeToken();
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			writeToken();
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			writeToken();
			super.flushBuffer();
		}

		@Override
		public void sendError(int status) throws IOException {
			writeToken();
			super.sendError(status);
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			writeToken();
			super.sendError(status, message);
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			writeToken();
			super.sendRedirect(location);
		}

	}

}
