package io.relspec.catalog.api;

import io.relspec.contracts.model.Identifiers;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import java.util.List;

/**
 * Path-segment names checked before they reach the catalog (request bodies are checked by Bean
 * Validation on the resource methods).
 */
final class RequestChecks {
  private RequestChecks() {}

  /** A function, template or bundle name; functions additionally have no namespace. */
  static String require(String name, String what, boolean dotted) {
    if (!Identifiers.isName(name) || (!dotted && name.contains("."))) {
      String message =
          "'"
              + name
              + "' is not a valid "
              + what
              + " name: lower-case letters, digits and '_', starting with a letter"
              + (dotted ? ", optionally in dotted namespaces" : "");
      throw new RelspecException(
          PlatformErrorCode.INVALID_REQUEST,
          message,
          List.of(new Violation("name", message)),
          null);
    }
    return name;
  }
}
