package io.github.rwrouting.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.github.rwrouting.consistency.ConsistencyContext;
import io.github.rwrouting.consistency.ConsistencyGuard;
import io.github.rwrouting.consistency.ConsistencyMode;
import io.github.rwrouting.consistency.ConsistencyToken;
import io.github.rwrouting.consistency.ConsistencyTokenCodec;
import io.github.rwrouting.topology.ClusterState;
import io.github.rwrouting.topology.NodeState;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which token a request carries when it sends several, and how long the token it gets back lives.
 */
class ConsistencyFilterTests {

	private static final long NOW = 1_800_000_000_000L;

	private static final Duration TTL = Duration.ofMinutes(1);

	private final ConsistencyContext context = new ConsistencyContext();

	private final ConsistencyTokenCodec codec = new ConsistencyTokenCodec(
			"a-test-signing-key-of-some-length".getBytes(StandardCharsets.UTF_8));

	private final ConsistencyGuard guard = new ConsistencyGuard(ConsistencyMode.READ_YOUR_WRITES, this.context,
			new ClusterState(NodeState.writer("writer"), List.of()), Duration.ZERO, Duration.ZERO, TTL, Duration.ofSeconds(2), List.of(), () -> NOW);

	private final ConsistencyFilter filter = new ConsistencyFilter(this.context, this.codec, this.guard,
			"X-RW-Consistency", "rw-consistency", TTL, () -> NOW);

	private final ConsistencyToken.Entry write = new ConsistencyToken.Entry(7, 1, 4096, NOW - 10);

	private final String valid = this.codec.encode(new ConsistencyToken(List.of(this.write), NOW + 60_000));

	@Test
	void anInvalidHeaderDoesNotHideAValidCookie() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-RW-Consistency", "garbage");
		request.setCookies(new Cookie("rw-consistency", this.valid));
		assertThat(tokenSeenBy(request)).isNotNull().extracting((token) -> token.entryFor(7)).isEqualTo(this.write);
	}

	@Test
	void anInvalidCookieDoesNotHideASecondValidOne() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new Cookie("rw-consistency", "v1.stale.value"), new Cookie("rw-consistency", this.valid));
		assertThat(tokenSeenBy(request)).isNotNull().extracting((token) -> token.entryFor(7)).isEqualTo(this.write);
	}

	@Test
	void aValidHeaderAndAValidCookieAreBothHonoured() throws Exception {
		ConsistencyToken.Entry other = new ConsistencyToken.Entry(8, 1, 1, NOW - 5);
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-RW-Consistency", this.codec.encode(new ConsistencyToken(List.of(other), NOW + 60_000)));
		request.setCookies(new Cookie("rw-consistency", this.valid));
		ConsistencyToken seen = tokenSeenBy(request);
		assertThat(seen.entryFor(7)).isEqualTo(this.write);
		assertThat(seen.entryFor(8)).isEqualTo(other);
	}

	@Test
	void aReSignedTokenNeverOutlivesTheTtl() throws Exception {
		// Signed by a service with a longer ttl: this one must not hand it out for longer than its own.
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-RW-Consistency",
				this.codec.encode(new ConsistencyToken(List.of(this.write), NOW + Duration.ofHours(1).toMillis())));
		MockHttpServletResponse response = new MockHttpServletResponse();
		FilterChain writes = (req, res) -> this.context
			.merge(new ConsistencyToken(List.of(new ConsistencyToken.Entry(7, 1, 8192, NOW)), NOW + TTL.toMillis()));
		this.filter.doFilter(request, response, writes);
		String returned = response.getHeader("X-RW-Consistency");
		assertThat(returned).isNotNull();
		ConsistencyToken token = this.codec.decode(returned, NOW).token();
		assertThat(token.entryFor(7).position()).isEqualTo(8192);
		assertThat(token.expiresAtMillis()).isLessThanOrEqualTo(NOW + TTL.toMillis());
	}

	private ConsistencyToken tokenSeenBy(MockHttpServletRequest request) throws Exception {
		AtomicReference<ConsistencyToken> seen = new AtomicReference<>();
		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.set(this.context.current()));
		return seen.get();
	}

}
