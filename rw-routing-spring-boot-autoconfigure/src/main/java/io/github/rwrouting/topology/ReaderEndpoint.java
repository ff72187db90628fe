package io.github.rwrouting.topology;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a reader's JDBC URL says about the nodes behind it.
 *
 * @author rw-routing
 */
public final class ReaderEndpoint {

	// Aurora reader and custom endpoints, and RDS Proxy endpoints, spread connections over instances.
	private static final String[] SPREADING_HOST_MARKERS = { ".cluster-ro-", ".cluster-custom-", ".proxy-" };

	private ReaderEndpoint() {
	}

	/**
	 * Whether every connection to the URL reaches the same node, as far as the URL tells: not for a
	 * multi-host URL nor for an AWS endpoint that spreads connections. A load balancer or a DNS name
	 * with several addresses cannot be told from the URL.
	 * @param jdbcUrl the reader's JDBC URL
	 * @return {@code false} if the URL is known to reach several nodes
	 */
	public static boolean isSingleNode(@Nullable String jdbcUrl) {
		if (jdbcUrl == null) {
			return true;
		}
		String hosts = hosts(jdbcUrl.toLowerCase(Locale.ROOT));
		if (hosts.indexOf(',') >= 0) {
			return false;
		}
		for (String marker : SPREADING_HOST_MARKERS) {
			if (hosts.contains(marker)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The authority part of {@code jdbc:<driver>://<hosts>/...}, or the whole URL when it has none.
	 */
	private static String hosts(String jdbcUrl) {
		int start = jdbcUrl.indexOf("//");
		if (start < 0) {
			return jdbcUrl;
		}
		start += 2;
		int end = start;
		while (end < jdbcUrl.length() && "/?;".indexOf(jdbcUrl.charAt(end)) < 0) {
			end++;
		}
		return jdbcUrl.substring(start, end);
	}

}
