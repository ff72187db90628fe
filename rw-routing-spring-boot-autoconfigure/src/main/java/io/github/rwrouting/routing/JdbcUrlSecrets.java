package io.github.rwrouting.routing;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Masks the secrets a driver writes into the JDBC URL it reports: MariaDB Connector/J's
 * {@code DatabaseMetaData.getURL()} includes {@code password=…} even when the password was given as a
 * connection property, and frameworks log that URL at startup (Hibernate's "Database info").
 *
 * @author rw-routing
 */
final class JdbcUrlSecrets {

	static final String MASK = "******";

	// A parameter whose name ends in "password", "password" and a digit, or "pwd" (password,
	// sslPassword, keyStorePassword, MySQL's password1-3, PWD, ...), in a query string or in
	// ;-separated or (key=value) properties. Everything after its "=" is masked: drivers do not
	// always encode the value (MariaDB Connector/J writes it raw), so a password may contain any
	// separator.
	private static final Pattern SECRET_PARAMETER = Pattern
		.compile("(?i)((?:^|[?&;,(])\\s*[a-z0-9_.-]*(?:password\\d?|pwd)\\s*=).*$");

	// user:password@host in the authority.
	private static final Pattern USER_INFO = Pattern.compile("(//[^/?@:]*:)([^/?@]*)(@)");

	private JdbcUrlSecrets() {
	}

	/**
	 * The URL with every password masked: from the first secret parameter on, everything is masked.
	 * @param url the URL a driver reported, or {@code null}
	 * @return the URL without secrets, or {@code null}
	 */
	static @Nullable String masked(@Nullable String url) {
		if (url == null) {
			return null;
		}
		String masked = SECRET_PARAMETER.matcher(url).replaceFirst("$1" + MASK);
		return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "$3");
	}

}
