package io.relspec.contracts.model;

import java.util.regex.Pattern;

/** The one rule for names that end up as SQL identifiers, table names and URL path segments. */
public final class Identifiers {
  public static final int MAX_LENGTH = 128;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Catalog object names: lower case, optionally in dotted namespaces ({@code raw.orders}). */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private Identifiers() {}

  public static boolean isIdentifier(String value) {
    return value != null && value.length() <= MAX_LENGTH && IDENTIFIER.matcher(value).matches();
  }

  /** Whether {@code value} is a valid dataset, task, function, template or bundle name. */
  public static boolean isName(String value) {
    return value != null && value.length() <= MAX_LENGTH && NAME.matcher(value).matches();
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
