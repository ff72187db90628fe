package io.github.rwrouting.topology;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The values of {@code rw-routing.dialect}: detection, or one of the dialects.
 *
 * @author rw-routing
 */
public enum DialectType {

	/**
	 * Detected: from the JDBC URL ({@code jdbc:postgresql:}, {@code jdbc:mariadb:}), then from the
	 * server: for PostgreSQL whether it is Aurora; behind MySQL Connector/J or the AWS JDBC wrapper
	 * for MySQL or MariaDB whether it is MariaDB, MySQL or Aurora MySQL.
	 */
	AUTO("auto", null),

	/**
	 * PostgreSQL with streaming replication.
	 */
	POSTGRESQL(PostgresDialect.NAME, PostgresDialect::new),

	/**
	 * Aurora PostgreSQL.
	 */
	AURORA_POSTGRESQL(AuroraPostgresDialect.NAME, AuroraPostgresDialect::new),

	/**
	 * MariaDB with GTID replication (preview).
	 */
	MARIADB(MariaDbDialect.NAME, MariaDbDialect::new),

	/**
	 * MySQL 8.0 or 8.4 with GTID replication (preview, not run against a MySQL server).
	 */
	MYSQL(MySqlDialect.NAME, MySqlDialect::new),

	/**
	 * Aurora MySQL (preview, not run against Aurora).
	 */
	AURORA_MYSQL(AuroraMySqlDialect.NAME, AuroraMySqlDialect::new);

	private final String value;

	private final @Nullable Supplier<DatabaseDialect> factory;

	DialectType(String value, @Nullable Supplier<DatabaseDialect> factory) {
		this.value = value;
		this.factory = factory;
	}

	/**
	 * The type a configured value names, in any case.
	 * @param value the value of {@code rw-routing.dialect}
	 * @return the type
	 * @throws IllegalArgumentException if it names none
	 */
	public static DialectType of(String value) {
		String name = value.trim().toLowerCase(Locale.ROOT);
		for (DialectType type : values()) {
			if (type.value.equals(name)) {
				return type;
			}
		}
		throw new IllegalArgumentException("Unknown dialect '" + value + "'");
	}

	/**
	 * Every accepted value, for messages.
	 * @return the values, comma-separated
	 */
	public static String accepted() {
		return Arrays.stream(values()).map(DialectType::value).collect(Collectors.joining(", "));
	}

	/**
	 * The value as configured.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * A new dialect of this type.
	 * @return the dialect, or {@code null} for {@link #AUTO}
	 */
	@Nullable DatabaseDialect create() {
		return (this.factory != null) ? this.factory.get() : null;
	}

}
