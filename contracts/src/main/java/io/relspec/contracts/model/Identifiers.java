package io.relspec.contracts.model;

/** The one rule for names that end up as SQL identifiers, table names and URL path segments. */
public final class Identifiers {
  public static final int MAX_LENGTH = 128;

  // The rules, as regular expressions: identifiers [A-Za-z_][A-Za-z0-9_]*; names (lower case,
  // optionally in dotted namespaces such as raw.orders) [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*.
  // Checked by hand: every name read from a row or a message passes here, and a regular
  // expression match cost more than the rest of reading a run's task rows.

  private Identifiers() {}

  public static boolean isIdentifier(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    char first = value.charAt(0);
    if (!(isAsciiLetter(first) || first == '_')) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(isAsciiLetter(c) || isDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code value} is a valid dataset, task, function, template or bundle name. */
  public static boolean isName(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    boolean segmentStart = true;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (segmentStart) {
        if (!isLower(c)) {
          return false;
        }
        segmentStart = false;
      } else if (c == '.') {
        segmentStart = true;
      } else if (!(isLower(c) || isDigit(c) || c == '_')) {
        return false;
      }
    }
    return !segmentStart;
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAsciiLetter(char c) {
    return isLower(c) || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Throws {@link IllegalArgumentException} naming {@code what} unless {@link #isName} holds. */
  public static void requireName(String value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (!isName(value)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + abbreviate(value)
              + "' is not valid: use lower-case letters, digits and '_', start with a letter,"
              + " optionally in dotted namespaces (raw.orders), at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  public static void requireIdentifier(String value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (!isIdentifier(value)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + abbreviate(value)
              + "' is not valid: use letters, digits and '_', start with a letter or '_', at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
