package io.github.rwrouting.consistency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.rwrouting.topology.GtidPosition;
import io.github.rwrouting.topology.MySqlGtidSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns tokens into opaque, HMAC-SHA256-signed strings and back, so that a client can carry a token
 * but can neither forge nor alter one. Format: {@code v1.<payload>.<signature>}, both base64url; a
 * token with a GTID position (MariaDB) or a GTID set (MySQL) is {@code v2.<payload>.<signature>},
 * whose entries each start with their number of GTID domains (0 for an entry as in v1, -1 for an
 * entry with a GTID set, which follows the commit time, at most
 * {@value ConsistencyToken#MAX_GTID_SET_BYTES} bytes, -2 for one with a set that has MySQL 8.3 GTID
 * tags, written with each source's tag). Tokens without GTIDs are written as v1, and untagged sets
 * as -1, so that they read the same as before.
 *
 * @author rw-routing
 */
public final class ConsistencyTokenCodec {

	/**
	 * The shortest signing key accepted, in bytes.
	 */
	public static final int MIN_KEY_BYTES = 16;

	private static final String PREFIX = "v1.";

	private static final String GTID_PREFIX = "v2.";

	private static final int ENTRY_BYTES = Long.BYTES + Integer.BYTES + Long.BYTES + Long.BYTES;

	// A GTID entry: cluster, timeline, commit time (the position is the sum of the sequences).
	private static final int GTID_ENTRY_BYTES = Long.BYTES + Integer.BYTES + Long.BYTES;

	// The kind of a v2 entry with a MySQL GTID set, in place of its number of domains.
	private static final byte GTID_SET_KIND = -1;

	// The kind of a v2 entry with a MySQL GTID set that has tags: an earlier reader, which knows
	// only GTID_SET_KIND, rejects it instead of misreading it.
	private static final byte TAGGED_GTID_SET_KIND = -2;

	// Domain and server ids are unsigned 32-bit numbers.
	private static final int DOMAIN_BYTES = Integer.BYTES + Integer.BYTES + Long.BYTES;

	private static final int MAX_LENGTH = 1024;

	// 16 entries of 16 domains each fit, and 16 entries of the largest GTID set.
	private static final int MAX_GTID_LENGTH = 8192;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	// Rejections carry no token: one instance each, so that a request without a token allocates nothing.
	private static final Decoded NO_TOKEN = new Decoded(null, ConsistencyOutcome.NO_TOKEN);

	private static final Decoded INVALID = new Decoded(null, ConsistencyOutcome.TOKEN_INVALID);

	private static final Decoded EXPIRED = new Decoded(null, ConsistencyOutcome.TOKEN_EXPIRED);

	private final Mac prototype;

	/**
	 * Create a codec.
	 * @param key the signing key (at least 16 bytes)
	 */
	public ConsistencyTokenCodec(byte[] key) {
		if (key.length < MIN_KEY_BYTES) {
			throw new IllegalArgumentException("The signing key must have at least 16 bytes");
		}
		try {
			this.prototype = Mac.getInstance("HmacSHA256");
			this.prototype.init(new SecretKeySpec(key, "HmacSHA256"));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Encode and sign a token.
	 * @param token the token
	 * @return the opaque string
	 */
	public String encode(ConsistencyToken token) {
		// A token holds at most MAX_ENTRIES: every entry is written.
		List<ConsistencyToken.Entry> entries = token.entries();
		int count = entries.size();
		int gtidBytes = 0;
		for (ConsistencyToken.Entry entry : entries) {
			GtidPosition gtids = entry.gtids();
			MySqlGtidSet gtidSet = entry.gtidSet();
			if (gtids != null) {
				gtidBytes += gtids.size() * DOMAIN_BYTES + GTID_ENTRY_BYTES - ENTRY_BYTES;
			}
			else if (gtidSet != null) {
				gtidBytes += gtidSet.encodedBytes() + GTID_ENTRY_BYTES - ENTRY_BYTES;
			}
		}
		boolean withGtids = gtidBytes != 0;
		ByteBuffer payload = ByteBuffer
			.allocate(Long.BYTES + 1 + count * ENTRY_BYTES + (withGtids ? count + gtidBytes : 0));
		payload.putLong(token.expiresAtMillis());
		payload.put((byte) count);
		for (ConsistencyToken.Entry entry : entries) {
			GtidPosition gtids = entry.gtids();
			MySqlGtidSet gtidSet = entry.gtidSet();
			if (withGtids) {
				payload.put((gtidSet != null) ? (gtidSet.isTagged() ? TAGGED_GTID_SET_KIND : GTID_SET_KIND)
						: (byte) ((gtids != null) ? gtids.size() : 0));
			}
			payload.putLong(entry.clusterId());
			payload.putInt(entry.timeline());
			if (gtidSet != null) {
				payload.putLong(entry.commitTimeMillis());
				gtidSet.writeTo(payload);
				continue;
			}
			if (gtids == null) {
				payload.putLong(entry.position());
				payload.putLong(entry.commitTimeMillis());
				continue;
			}
			payload.putLong(entry.commitTimeMillis());
			for (int i = 0; i < gtids.size(); i++) {
				payload.putInt((int) gtids.domain(i));
				payload.putInt((int) gtids.server(i));
				payload.putLong(gtids.sequence(i));
			}
		}
		String encodedPayload = ENCODER.encodeToString(payload.array());
		if (!withGtids) {
			return PREFIX + encodedPayload + "." + ENCODER.encodeToString(sign(encodedPayload));
		}
		// The v2 prefix is signed too: a v1 payload relabelled v2 (or the reverse) fails the signature
		// instead of being read in the other layout.
		return GTID_PREFIX + encodedPayload + "." + ENCODER.encodeToString(sign(GTID_PREFIX + encodedPayload));
	}

	/**
	 * Decode a token, checking its signature and expiry.
	 * @param value the opaque string, or {@code null}
	 * @param nowMillis the current time
	 * @return the outcome
	 */
	public Decoded decode(@Nullable String value, long nowMillis) {
		if (value == null || value.isEmpty()) {
			return NO_TOKEN;
		}
		boolean withGtids = value.startsWith(GTID_PREFIX);
		if (!(withGtids || value.startsWith(PREFIX)) || value.length() > (withGtids ? MAX_GTID_LENGTH : MAX_LENGTH)) {
			return INVALID;
		}
		int dot = value.indexOf('.', PREFIX.length());
		if (dot < 0) {
			return INVALID;
		}
		String encodedPayload = value.substring(PREFIX.length(), dot);
		try {
			// Compare the canonical encodings: a signature with altered padding bits is rejected too.
			byte[] signature = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
			byte[] expected = ENCODER.encode(sign(withGtids ? GTID_PREFIX + encodedPayload : encodedPayload));
			if (!MessageDigest.isEqual(signature, expected)) {
				return INVALID;
			}
			ByteBuffer payload = ByteBuffer.wrap(DECODER.decode(encodedPayload));
			ConsistencyToken token = withGtids ? readWithGtids(payload) : read(payload);
			if (token == null) {
				return INVALID;
			}
			if (token.isExpired(nowMillis)) {
				return EXPIRED;
			}
			return new Decoded(token, null);
		}
		catch (IllegalArgumentException ex) {
			return INVALID;
		}
	}

	private static @Nullable ConsistencyToken read(ByteBuffer payload) {
		if (payload.remaining() < Long.BYTES + 1) {
			return null;
		}
		long expiresAt = payload.getLong();
		int count = payload.get();
		// No entry: never written by rw-routing, and it would ask nothing of a read.
		if (count <= 0 || count > ConsistencyToken.MAX_ENTRIES || payload.remaining() != count * ENTRY_BYTES) {
			return null;
		}
		List<ConsistencyToken.Entry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			entries.add(new ConsistencyToken.Entry(payload.getLong(), payload.getInt(), payload.getLong(),
					payload.getLong()));
		}
		return new ConsistencyToken(entries, expiresAt);
	}

	private static @Nullable ConsistencyToken readWithGtids(ByteBuffer payload) {
		if (payload.remaining() < Long.BYTES + 1) {
			return null;
		}
		long expiresAt = payload.getLong();
		int count = payload.get();
		if (count <= 0 || count > ConsistencyToken.MAX_ENTRIES) {
			return null;
		}
		List<ConsistencyToken.Entry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			if (payload.remaining() < 1) {
				return null;
			}
			int domains = payload.get();
			if (domains == GTID_SET_KIND || domains == TAGGED_GTID_SET_KIND) {
				ConsistencyToken.Entry entry = readGtidSetEntry(payload, domains == TAGGED_GTID_SET_KIND);
				if (entry == null) {
					return null;
				}
				entries.add(entry);
				continue;
			}
			if (domains < 0 || domains > GtidPosition.MAX_DOMAINS) {
				return null;
			}
			if (domains == 0) {
				if (payload.remaining() < ENTRY_BYTES) {
					return null;
				}
				entries.add(new ConsistencyToken.Entry(payload.getLong(), payload.getInt(), payload.getLong(),
						payload.getLong()));
				continue;
			}
			if (payload.remaining() < GTID_ENTRY_BYTES + domains * DOMAIN_BYTES) {
				return null;
			}
			long clusterId = payload.getLong();
			int timeline = payload.getInt();
			long commitTime = payload.getLong();
			long[] domainIds = new long[domains];
			long[] servers = new long[domains];
			long[] sequences = new long[domains];
			for (int d = 0; d < domains; d++) {
				domainIds[d] = Integer.toUnsignedLong(payload.getInt());
				servers[d] = Integer.toUnsignedLong(payload.getInt());
				sequences[d] = payload.getLong();
			}
			// Throws IllegalArgumentException for a repeated domain or a negative sequence: invalid.
			GtidPosition gtids = GtidPosition.of(domainIds, servers, sequences);
			entries.add(new ConsistencyToken.Entry(clusterId, timeline, gtids.sequenceSum(), commitTime, gtids));
		}
		return payload.hasRemaining() ? null : new ConsistencyToken(entries, expiresAt);
	}

	private static ConsistencyToken.@Nullable Entry readGtidSetEntry(ByteBuffer payload, boolean tagged) {
		if (payload.remaining() < GTID_ENTRY_BYTES) {
			return null;
		}
		long clusterId = payload.getLong();
		int timeline = payload.getInt();
		long commitTime = payload.getLong();
		// Throws IllegalArgumentException for a truncated or malformed set: invalid.
		MySqlGtidSet gtidSet = MySqlGtidSet.readFrom(payload, tagged);
		if (gtidSet.encodedBytes() > ConsistencyToken.MAX_GTID_SET_BYTES) {
			return null;
		}
		return new ConsistencyToken.Entry(clusterId, timeline, gtidSet.transactionCount(), commitTime, null, gtidSet);
	}

	private byte[] sign(String encodedPayload) {
		try {
			Mac mac = (Mac) this.prototype.clone();
			return mac.doFinal(encodedPayload.getBytes(StandardCharsets.US_ASCII));
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HmacSHA256 cannot be cloned", ex);
		}
	}

	/**
	 * The result of decoding.
	 *
	 * @param token the token, when it is valid
	 * @param rejection why it was rejected, when it was
	 */
	public record Decoded(@Nullable ConsistencyToken token, @Nullable ConsistencyOutcome rejection) {

	}

}
