package io.relspec.platform.security;

import java.util.Set;
import java.util.TreeSet;

/**
 * API roles. {@code reader} sees everything; {@code writer} also registers and deletes catalog
 * entries and uploads data; {@code operator} also starts and cancels runs; {@code admin} has all.
 */
public final class Roles {
  public static final String READER = "reader";
  public static final String WRITER = "writer";
  public static final String OPERATOR = "operator";
  public static final String ADMIN = "admin";

  public static final Set<String> ALL = Set.of(READER, WRITER, OPERATOR, ADMIN);

  private Roles() {}

  /** The roles a token's declared roles imply (writer and operator imply reader; admin all). */
  public static Set<String> expand(Set<String> declared) {
    Set<String> roles = new TreeSet<>();
    for (String role : declared) {
      if (!ALL.contains(role)) {
        throw new IllegalArgumentException(
            "unknown role '" + role + "': expected one of " + new TreeSet<>(ALL));
      }
      roles.add(role);
      if (role.equals(ADMIN)) {
        roles.addAll(ALL);
      } else {
        roles.add(READER);
      }
    }
    return Set.copyOf(roles);
  }
}
