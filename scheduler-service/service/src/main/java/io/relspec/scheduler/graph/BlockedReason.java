package io.relspec.scheduler.graph;

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
}
