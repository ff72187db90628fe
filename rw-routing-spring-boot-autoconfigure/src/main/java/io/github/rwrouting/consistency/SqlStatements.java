package io.github.rwrouting.consistency;

import java.util.Locale;

/**
 * Tells a statement that only reads from one that may write, from its text, so that the commit
 * position is captured only after transactions that wrote. When in doubt it says "may write": a
 * needless capture costs one round trip, a missed one a stale read.
 *
 * @author rw-routing
 */
public final class SqlStatements {

	// Words that make a statement of that kind write.
	private static final String[] SELECT_WRITES = { "into" };

	private static final String[] WITH_WRITES = { "insert", "update", "delete", "merge", "into" };

	private static final String[] EXPLAIN_WRITES = { "analyze", "analyse" };

	private SqlStatements() {
	}

	/**
	 * Whether a statement only reads: {@code SELECT} (without {@code INTO}), {@code SHOW},
	 * {@code VALUES}, {@code TABLE}, {@code EXPLAIN} without {@code ANALYZE}, or a {@code WITH}
	 * query without a data-modifying part.
	 * @param sql the statement's text
	 * @return {@code true} if it only reads
	 */
	public static boolean isRead(String sql) {
		return switch (firstKeyword(sql)) {
			case "show", "values", "table" -> true;
			case "select" -> !containsAnyWord(sql, SELECT_WRITES);
			case "with" -> !containsAnyWord(sql, WITH_WRITES);
			case "explain" -> !containsAnyWord(sql, EXPLAIN_WRITES);
			default -> false;
		};
	}

	private static boolean containsAnyWord(String sql, String[] words) {
		String lower = sql.toLowerCase(Locale.ROOT);
		for (String word : words) {
			if (containsWord(lower, word)) {
				return true;
			}
		}
		return false;
	}

	private static String firstKeyword(String sql) {
		int length = sql.length();
		int i = 0;
		while (i < length) {
			char c = sql.charAt(i);
			if (Character.isWhitespace(c) || c == '(') {
				i++;
			}
			else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
				int end = sql.indexOf('\n', i);
				i = (end < 0) ? length : end + 1;
			}
			else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
				int end = sql.indexOf("*/", i + 2);
				i = (end < 0) ? length : end + 2;
			}
			else {
				break;
			}
		}
		int start = i;
		while (i < length && Character.isLetter(sql.charAt(i))) {
			i++;
		}
		return sql.substring(start, i).toLowerCase(Locale.ROOT);
	}

	private static boolean containsWord(String lower, String word) {
		int from = 0;
		while (true) {
			int index = lower.indexOf(word, from);
			if (index < 0) {
				return false;
			}
			int end = index + word.length();
			boolean startsWord = index == 0 || !Character.isLetterOrDigit(lower.charAt(index - 1))
					&& lower.charAt(index - 1) != '_';
			boolean endsWord = end == lower.length() || !Character.isLetterOrDigit(lower.charAt(end))
					&& lower.charAt(end) != '_';
			if (startsWord && endsWord) {
				return true;
			}
			from = end;
		}
	}

}
