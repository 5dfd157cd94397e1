package io.relspec.contracts.api.validation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Why a task cannot run: the error that blocks it ({@code CYCLE}, {@code MISSING_SOURCE}, {@code
 * UPSTREAM_BLOCKED}, …) and a message for people. Shown as {@code CODE: message}.
 */
public record BlockedReason(GraphDiagnosticCode code, String message) {
  public BlockedReason {
    Objects.requireNonNull(code, "code is null");
    Objects.requireNonNull(message, "message is null");
  }

  @JsonValue
  @Override
  public String toString() {
    return code + ": " + message;
  }

  /** Reads the JSON form, {@code "CODE: message"}, back (a client of the REST API). */
  @JsonCreator
  public static BlockedReason parse(String text) {
    int colon = text.indexOf(": ");
    if (colon < 0) {
      throw new IllegalArgumentException("not a blocked reason (CODE: message): " + text);
    }
    return new BlockedReason(
        GraphDiagnosticCode.valueOf(text.substring(0, colon)), text.substring(colon + 2));
  }
}
