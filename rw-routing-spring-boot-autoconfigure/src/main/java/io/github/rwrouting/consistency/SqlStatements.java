package io.github.rwrouting.consistency;

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
	 * query without a data-modifying part. Allocates nothing: it runs for statements on the hot path.
	 * @param sql the statement's text
	 * @return {@code true} if it only reads
	 */
	public static boolean isRead(String sql) {
		int start = keywordStart(sql);
		int end = start;
		while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
			end++;
		}
		int length = end - start;
		if (is(sql, start, length, "select")) {
			return !containsAnyWord(sql, end, SELECT_WRITES);
		}
		if (is(sql, start, length, "with")) {
			return !containsAnyWord(sql, end, WITH_WRITES);
		}
		if (is(sql, start, length, "explain")) {
			return !containsAnyWord(sql, end, EXPLAIN_WRITES);
		}
		return is(sql, start, length, "show") || is(sql, start, length, "values") || is(sql, start, length, "table");
	}

	private static boolean is(String sql, int start, int length, String keyword) {
		return length == keyword.length() && sql.regionMatches(true, start, keyword, 0, length);
	}

	private static boolean containsAnyWord(String sql, int from, String[] words) {
		for (String word : words) {
			if (containsWord(sql, from, word)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Where the first keyword starts, past white space, opening parentheses and comments.
	 */
	private static int keywordStart(String sql) {
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
		return i;
	}

	/**
	 * Whether a lower-case word occurs in the statement as a whole word, in any case.
	 */
	private static boolean containsWord(String sql, int from, String word) {
		int length = word.length();
		int last = sql.length() - length;
		char first = word.charAt(0);
		for (int i = from; i <= last; i++) {
			char c = sql.charAt(i);
			if ((c == first || Character.toLowerCase(c) == first) && sql.regionMatches(true, i, word, 0, length)
					&& !isWordPart(sql, i - 1) && !isWordPart(sql, i + length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isWordPart(String sql, int index) {
		if (index < 0 || index >= sql.length()) {
			return false;
		}
		char c = sql.charAt(index);
		return Character.isLetterOrDigit(c) || c == '_';
	}

}
