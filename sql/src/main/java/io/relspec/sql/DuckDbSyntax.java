package io.relspec.sql;

import java.util.Locale;

/**
 * Task SQL is written for DuckDB; Calcite analyzes it. This lexical scan (string literals, quoted
 * identifiers and comments skipped, as DuckDB's tokenizer does) finds the DuckDB syntax that
 * Calcite's parser would read differently or not at all, before Calcite sees the text:
 *
 * <ul>
 *   <li>{@code GROUP BY ALL} and {@code ORDER BY ALL} are analyzed: {@code ALL} becomes the marker
 *       identifier {@link #ALL_MARKER} (same length, so every position stays where the user wrote
 *       it), which the compiler expands into the select list's columns;
 *   <li>constructs the analyzer does not follow are refused with their name, line and column:
 *       integer division {@code //} (Calcite would read a comment, so the analysis would differ
 *       from what runs), {@code **}, list literals {@code [1, 2]}, struct literals {@code {'a':
 *       1}}, {@code DISTINCT ON}, {@code COLUMNS(…)}, positional references {@code #1}, the arrows
 *       {@code ->} and {@code ->>}, Unicode escape strings {@code U&'…'} and FROM-first queries.
 * </ul>
 *
 * <p>Everything else is left to Calcite's parser, which reports anything it cannot read as a syntax
 * error with a position.
 */
public final class DuckDbSyntax {
  /** What {@code ALL} of {@code GROUP BY ALL} / {@code ORDER BY ALL} becomes for Calcite. */
  public static final String ALL_MARKER = "*";

  private static final String QUOTED_MARKER = "\"" + ALL_MARKER + "\"";

  private DuckDbSyntax() {}

  /** The text Calcite parses, of the same length as {@code sql}, within {@code limits}. */
  static String forCalcite(String sql, SqlLimits limits) throws SqlRefusal {
    Scanner scanner = new Scanner(sql);
    StringBuilder out = new StringBuilder(sql);
    Token previous = null;
    Token beforePrevious = null;
    boolean first = true;
    int depth = 0;
    int terms = 0;
    boolean ended = false;
    for (Token token = scanner.next(); token != null; token = scanner.next()) {
      if (ended) {
        // Another statement after the first one's semicolon, whatever it is (DuckDB would run it).
        throw scanner.refusal(
            token,
            SqlErrorKind.MULTIPLE_STATEMENTS,
            "expected exactly one statement; another one starts here");
      }
      if (token.isSymbol(";")) {
        ended = depth == 0;
        continue;
      }
      if (token.isSymbol("(") && ++depth > limits.maxNestingDepth()) {
        throw scanner.tooLarge(
            token, "parentheses nest deeper than " + limits.maxNestingDepth() + " levels");
      } else if (token.isSymbol(")")) {
        depth--;
      }
      if (token.isTerm() && ++terms > limits.maxTerms()) {
        throw scanner.tooLarge(
            token,
            "more than "
                + limits.maxTerms()
                + " operators and set operations (an IN list counts as one; use it for long"
                + " lists of values)");
      }
      if (first) {
        first = false;
        if (token.isWord("FROM")) {
          throw scanner.refuse(token, "FROM-first queries (write SELECT … FROM …)");
        }
      }
      switch (token.kind) {
        case SYMBOL -> {
          String text = token.text;
          if (text.equals("//")) {
            throw scanner.refuse(
                token, "integer division // (write floor(a / b) or CAST(a / b AS BIGINT))");
          }
          if (text.equals("**")) {
            throw scanner.refuse(token, "the power operator ** (write power(a, b))");
          }
          if (text.equals("->") || text.equals("->>")) {
            throw scanner.refuse(token, "the " + text + " operator (lambdas and JSON arrows)");
          }
          if (text.equals("{")) {
            throw scanner.refuse(token, "struct literals {…}");
          }
          if (text.equals("[") && !subscripts(previous)) {
            throw scanner.refuse(token, "list literals […] (write ARRAY[…])");
          }
          if (text.equals("#")) {
            throw scanner.refuse(token, "positional column references #n");
          }
          if (text.equals("&")
              && previous != null
              && previous.isWord("U")
              && previous.end == token.start) {
            throw scanner.refuse(previous, "Unicode escape strings U&'…' (write the characters)");
          }
        }
        case WORD -> {
          if (token.isWord("ALL")
              && previous != null
              && previous.isWord("BY")
              && beforePrevious != null
              && (beforePrevious.isWord("GROUP") || beforePrevious.isWord("ORDER"))) {
            out.replace(token.start, token.end, QUOTED_MARKER);
          }
          if (token.isWord("ON") && previous != null && previous.isWord("DISTINCT")) {
            throw scanner.refuse(previous, "DISTINCT ON (…)");
          }
          if (token.isWord("COLUMNS") && scanner.peekSymbol('(')) {
            throw scanner.refuse(token, "COLUMNS(…) expressions");
          }
        }
        default -> {}
      }
      beforePrevious = previous;
      previous = token;
    }
    return out.toString();
  }

  /** A {@code [} after a value is a subscript ({@code x[1]}); anywhere else it opens a list. */
  private static boolean subscripts(Token previous) {
    if (previous == null) {
      return false;
    }
    return switch (previous.kind) {
      case QUOTED_IDENTIFIER, STRING -> true;
      case WORD -> !previous.isKeywordBeforeExpression();
      case SYMBOL -> previous.text.equals(")") || previous.text.equals("]");
      default -> false;
    };
  }

  private enum Kind {
    WORD,
    QUOTED_IDENTIFIER,
    STRING,
    NUMBER,
    SYMBOL
  }

  private record Token(Kind kind, String text, int start, int end) {
    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** An operator or set operation: one level of the tree Calcite builds for a chain of them. */
    boolean isTerm() {
      if (kind == Kind.SYMBOL) {
        return switch (text) {
          case "+", "-", "*", "/", "%", "=", "<", ">", "|", "::" -> true;
          default -> false;
        };
      }
      return kind == Kind.WORD
          && switch (text.toUpperCase(Locale.ROOT)) {
            case "AND", "OR", "UNION", "INTERSECT", "EXCEPT", "LIKE", "ILIKE", "BETWEEN" -> true;
            default -> false;
          };
    }

    /** Words after which an expression starts, so a following {@code [} opens a list. */
    boolean isKeywordBeforeExpression() {
      return switch (text.toUpperCase(Locale.ROOT)) {
        case "SELECT",
            "WHERE",
            "AND",
            "OR",
            "NOT",
            "ON",
            "WHEN",
            "THEN",
            "ELSE",
            "IN",
            "BY",
            "HAVING",
            "QUALIFY",
            "AS",
            "IS",
            "LIKE",
            "ILIKE",
            "BETWEEN",
            "CASE",
            "RETURN",
            "DISTINCT",
            "ALL",
            "ANY",
            "SOME",
            "VALUES" ->
            true;
        default -> false;
      };
    }
  }

  /** DuckDB's lexical structure: strings, quoted identifiers, comments, words and symbols. */
  private static final class Scanner {
    private final String sql;
    private int at;

    Scanner(String sql) {
      this.sql = sql;
    }

    Token next() throws SqlRefusal {
      skipSpaceAndComments();
      if (at >= sql.length()) {
        return null;
      }
      int start = at;
      char c = sql.charAt(at);
      if (c == '\'') {
        skipQuoted('\'');
        return new Token(Kind.STRING, sql.substring(start, at), start, at);
      }
      if (c == '"') {
        skipQuoted('"');
        return new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, at), start, at);
      }
      if (Character.isLetter(c) || c == '_') {
        while (at < sql.length()
            && (Character.isLetterOrDigit(sql.charAt(at))
                || sql.charAt(at) == '_'
                || sql.charAt(at) == '$')) {
          at++;
        }
        return new Token(Kind.WORD, sql.substring(start, at), start, at);
      }
      if (Character.isDigit(c)
          || (c == '.' && at + 1 < sql.length() && Character.isDigit(sql.charAt(at + 1)))) {
        while (at < sql.length()
            && (Character.isLetterOrDigit(sql.charAt(at)) || sql.charAt(at) == '.')) {
          at++;
        }
        return new Token(Kind.NUMBER, sql.substring(start, at), start, at);
      }
      for (String symbol : new String[] {"->>", "->", "//", "**", "::"}) {
        if (sql.startsWith(symbol, at)) {
          at += symbol.length();
          return new Token(Kind.SYMBOL, symbol, start, at);
        }
      }
      at++;
      return new Token(Kind.SYMBOL, String.valueOf(c), start, at);
    }

    boolean peekSymbol(char symbol) {
      int saved = at;
      try {
        skipSpaceAndComments();
        return at < sql.length() && sql.charAt(at) == symbol;
      } catch (SqlRefusal e) {
        return false;
      } finally {
        at = saved;
      }
    }

    private void skipSpaceAndComments() throws SqlRefusal {
      while (at < sql.length()) {
        char c = sql.charAt(at);
        if (Character.isWhitespace(c)) {
          at++;
        } else if (sql.startsWith("--", at)) {
          int newline = sql.indexOf('\n', at);
          at = newline < 0 ? sql.length() : newline + 1;
        } else if (sql.startsWith("/*", at)) {
          int end = sql.indexOf("*/", at + 2);
          if (end < 0) {
            // Calcite reports the unterminated comment with its own position.
            at = sql.length();
          } else {
            at = end + 2;
          }
        } else {
          return;
        }
      }
    }

    /** Skips a literal or identifier quoted with {@code quote}; a doubled quote is escaped. */
    private void skipQuoted(char quote) {
      at++;
      while (at < sql.length()) {
        if (sql.charAt(at) == quote) {
          if (at + 1 < sql.length() && sql.charAt(at + 1) == quote) {
            at += 2;
            continue;
          }
          at++;
          return;
        }
        at++;
      }
    }

    SqlRefusal refuse(Token token, String construct) {
      return refusal(
          token,
          SqlErrorKind.UNSUPPORTED_SYNTAX,
          "DuckDB syntax the analyzer does not support: " + construct);
    }

    SqlRefusal tooLarge(Token token, String what) {
      return refusal(token, SqlErrorKind.TOO_LARGE, "the query is too large to analyze: " + what);
    }

    SqlRefusal refusal(Token token, SqlErrorKind kind, String message) {
      int line = 1;
      int column = 1;
      for (int i = 0; i < token.start; i++) {
        if (sql.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new SqlRefusal(kind, message, line, column);
    }
  }
}
