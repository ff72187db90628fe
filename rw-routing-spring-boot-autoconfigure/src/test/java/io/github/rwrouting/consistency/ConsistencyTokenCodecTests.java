package io.github.rwrouting.consistency;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConsistencyTokenCodecTests {

	private static final long NOW = 1_800_000_000_000L;

	private final ConsistencyTokenCodec codec = new ConsistencyTokenCodec(
			"a-test-signing-key-of-some-length".getBytes(StandardCharsets.UTF_8));

	private final ConsistencyToken token = new ConsistencyToken(
			List.of(new ConsistencyToken.Entry(7710841469789910806L, 1, 28_860_672L, NOW - 5)), NOW + 60_000);

	@Test
	void roundTrips() {
		String encoded = this.codec.encode(this.token);
		assertThat(encoded).startsWith("v1.").doesNotContain("=").doesNotContain("+").doesNotContain("/");
		ConsistencyTokenCodec.Decoded decoded = this.codec.decode(encoded, NOW);
		assertThat(decoded.rejection()).isNull();
		assertThat(decoded.token()).isEqualTo(this.token);
	}

	@Test
	void rejectsAnAlteredPayload() {
		String encoded = this.codec.encode(this.token);
		String[] parts = encoded.split("\\.");
		byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
		payload[payload.length - 9] ^= 1; // move the position by one byte's worth
		String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "."
				+ parts[2];
		assertThat(this.codec.decode(altered, NOW).rejection()).isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
	}

	@Test
	void rejectsAnAlteredSignature() {
		String encoded = this.codec.encode(this.token);
		char last = encoded.charAt(encoded.length() - 1);
		String altered = encoded.substring(0, encoded.length() - 1) + ((last == 'A') ? 'B' : 'A');
		assertThat(this.codec.decode(altered, NOW).rejection()).isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
	}

	@Test
	void rejectsATokenSignedWithAnotherKey() {
		ConsistencyTokenCodec other = new ConsistencyTokenCodec(
				"another-signing-key-entirely-xyz".getBytes(StandardCharsets.UTF_8));
		assertThat(this.codec.decode(other.encode(this.token), NOW).rejection())
			.isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
	}

	@Test
	void rejectsAnExpiredToken() {
		String encoded = this.codec.encode(this.token);
		assertThat(this.codec.decode(encoded, NOW + 60_000).rejection()).isEqualTo(ConsistencyOutcome.TOKEN_EXPIRED);
	}

	@Test
	void rejectsMalformedValues() {
		for (String value : new String[] { "garbage", "v1.", "v1.abc", "v1.%%%.###", "v2.abc.def", "v1..",
				"v1." + "A".repeat(2000) + ".x" }) {
			assertThat(this.codec.decode(value, NOW).rejection()).as(value).isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
		}
		assertThat(this.codec.decode(null, NOW).rejection()).isEqualTo(ConsistencyOutcome.NO_TOKEN);
	}

	@Test
	void aWriteAfterSixteenOtherClustersSurvivesEncoding() {
		List<ConsistencyToken.Entry> foreign = new ArrayList<>();
		for (int i = 1; i <= 16; i++) {
			foreign.add(new ConsistencyToken.Entry(1000 + i, 1, 100, NOW - 1000 + i));
		}
		ConsistencyToken.Entry own = new ConsistencyToken.Entry(7, 1, 28_860_672L, NOW);
		ConsistencyToken advanced = new ConsistencyToken(foreign, NOW + 60_000).advance(own, NOW + 60_000);
		ConsistencyToken decoded = this.codec.decode(this.codec.encode(advanced), NOW).token();
		assertThat(decoded).isNotNull();
		assertThat(decoded.entryFor(7)).as("the caller's own, newest write").isEqualTo(own);
		assertThat(decoded.entries()).hasSize(16);
	}

	@Test
	void rejectsATokenWithoutEntries() {
		String empty = this.codec.encode(new ConsistencyToken(List.of(), NOW + 60_000));
		assertThat(this.codec.decode(empty, NOW).rejection()).isEqualTo(ConsistencyOutcome.TOKEN_INVALID);
	}

	@Test
	void rejectsAShortKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsistencyTokenCodec("short".getBytes(StandardCharsets.UTF_8)));
	}

}
