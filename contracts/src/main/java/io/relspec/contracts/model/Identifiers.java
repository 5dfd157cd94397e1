package io.relspec.contracts.model;

import java.util.regex.Pattern;

/** The one rule for names that end up as SQL identifiers, table names and URL path segments. */
public final class Identifiers {
  public static final int MAX_LENGTH = 128;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Identifiers() {}

  public static boolean isIdentifier(String value) {
    return value != null && value.length() <= MAX_LENGTH && IDENTIFIER.matcher(value).matches();
  }

  static void requireIdentifier(String value, String what) {
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
