package io.github.rwrouting.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.rwrouting.autoconfigure.RwRoutingProperties.Reader;
import io.github.rwrouting.autoconfigure.RwRoutingProperties.ReaderPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code rw-routing.*} at startup: an invalid value fails with a
 * {@link RwRoutingConfigurationException} naming the property and the fix; a suspicious one (two
 * readers on one URL, a reader on the writer's URL) is logged once.
 *
 * @author rw-routing
 */
final class RwRoutingPropertiesValidator {

	private static final Log logger = LogFactory.getLog(RwRoutingPropertiesValidator.class);

	// Hikari refuses a connection-timeout or validation-timeout below this.
	private static final Duration MIN_HIKARI_TIMEOUT = Duration.ofMillis(250);

	private RwRoutingPropertiesValidator() {
	}

	static void validate(RwRoutingProperties properties, @Nullable String writerUrl) {
		notNegative("rw-routing.max-lag", properties.getMaxLag(), "1s");
		positive("rw-routing.monitor.timeout", properties.getMonitor().getTimeout(), "1s");
		ReaderPool pool = properties.getReaderPool();
		if (pool.getBorrowTimeout() == null || pool.getBorrowTimeout().compareTo(MIN_HIKARI_TIMEOUT) < 0) {
			throw new RwRoutingConfigurationException("rw-routing.reader-pool.borrow-timeout",
					"the reader borrow timeout " + describe(pool.getBorrowTimeout()) + " is below Hikari's 250ms minimum",
					"Set rw-routing.reader-pool.borrow-timeout to 250ms or more (the default is 1s).");
		}
		positive("rw-routing.reader-pool.connect-timeout", pool.getConnectTimeout(), "2s");
		if (pool.getValidationTimeout() == null || pool.getValidationTimeout().compareTo(MIN_HIKARI_TIMEOUT) < 0) {
			throw new RwRoutingConfigurationException("rw-routing.reader-pool.validation-timeout",
					"the reader validation timeout " + describe(pool.getValidationTimeout())
							+ " is below Hikari's 250ms minimum",
					"Set rw-routing.reader-pool.validation-timeout to 250ms or more (the default is 1s).");
		}
		positive("rw-routing.reader-pool.failure-backoff", pool.getFailureBackoff(), "1s");
		positive("rw-routing.reader-pool.max-failure-backoff", pool.getMaxFailureBackoff(), "30s");
		if (pool.getMaxFailureBackoff().compareTo(pool.getFailureBackoff()) < 0) {
			throw new RwRoutingConfigurationException("rw-routing.reader-pool.max-failure-backoff",
					"the longest failure backoff (" + describe(pool.getMaxFailureBackoff())
							+ ") is shorter than the first one (" + describe(pool.getFailureBackoff()) + ")",
					"Set rw-routing.reader-pool.max-failure-backoff to at least rw-routing.reader-pool.failure-backoff.");
		}
		Map<String, String> readerByUrl = new LinkedHashMap<>();
		properties.getReaders().forEach((name, reader) -> validateReader(name, reader, writerUrl, readerByUrl));
	}

	private static void validateReader(String name, Reader reader, @Nullable String writerUrl,
			Map<String, String> readerByUrl) {
		String prefix = "rw-routing.readers." + name;
		if (reader.getMaxLag() != null) {
			notNegative(prefix + ".max-lag", reader.getMaxLag(), "rw-routing.max-lag");
		}
		String url = reader.getUrl();
		if (url == null || url.isBlank()) {
			return; // reported with the pool, which names the fix
		}
		if (!url.strip().toLowerCase(Locale.ROOT).startsWith("jdbc:") || url.strip().length() <= "jdbc:".length()) {
			throw malformedUrl(name, "does not start with 'jdbc:'");
		}
		String key = normalized(url);
		String other = readerByUrl.putIfAbsent(key, name);
		if (other != null) {
			logger.warn("rw-routing readers '" + other + "' and '" + name + "' have the same URL: two pools and two "
					+ "monitor connections on one node, and reads balanced as if there were two replicas. Remove one "
					+ "of " + "rw-routing.readers." + other + ".url and " + prefix + ".url.");
		}
		if (writerUrl != null && key.equals(normalized(writerUrl))) {
			logger.warn("rw-routing reader '" + name + "' has the writer's URL (" + prefix + ".url): its reads run "
					+ "on the primary and take no load off it. Point it at a replica or a reader endpoint.");
		}
	}

	static RwRoutingConfigurationException malformedUrl(String name, String why) {
		String prefix = "rw-routing.readers." + name;
		return new RwRoutingConfigurationException(prefix + ".url",
				"the url of reader '" + name + "' is not a JDBC URL the driver accepts: " + why,
				"Set " + prefix + ".url to the JDBC URL of the replica or reader endpoint, for example "
						+ "jdbc:postgresql://replica.example.com:5432/app (and its driver on the classpath).");
	}

	private static String normalized(String url) {
		return url.strip().toLowerCase(Locale.ROOT);
	}

	private static void notNegative(String property, @Nullable Duration value, String defaultValue) {
		if (value == null || value.isNegative()) {
			throw new RwRoutingConfigurationException(property, property + " is negative (" + describe(value) + ")",
					"Set " + property + " to zero or a positive duration such as 1s (the default is " + defaultValue
							+ ").");
		}
	}

	private static void positive(String property, @Nullable Duration value, String defaultValue) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new RwRoutingConfigurationException(property,
					property + " must be positive but is " + describe(value),
					"Set " + property + " to a positive duration (the default is " + defaultValue + ").");
		}
	}

	private static String describe(@Nullable Duration value) {
		return (value != null) ? value.toString().substring(2).toLowerCase(Locale.ROOT) : "empty";
	}

}
