package io.relspec.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request the server refused. Carries the problem-details fields (RFC 9457) so the CLI can print
 * what the server said instead of a status line.
 */
public final class ProblemException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<String> violations;

  public ProblemException(int status, String code, String message, List<String> violations) {
    super(message);
    this.status = status;
    this.code = code;
    this.violations = List.copyOf(violations);
  }

  /** Reads a problem-details body; falls back to the raw text when the body is not one. */
  static ProblemException fromResponse(int status, String method, String path, String body) {
    JsonNode problem = Json.readOrNull(body);
    if (problem == null || !problem.isObject()) {
      String text = body == null || body.isBlank() ? "no body" : body.strip();
      return new ProblemException(
          status,
          "HTTP_" + status,
          method + " " + path + " answered " + status + ": " + text,
          List.of());
    }
    String title = problem.path("title").asText("HTTP " + status);
    String detail = problem.path("detail").asText("");
    List<String> violations = new ArrayList<>();
    for (JsonNode violation : problem.path("violations")) {
      String field = violation.path("field").asText(violation.path("subject").asText(""));
      String message = violation.path("message").asText(violation.toString());
      violations.add(field.isEmpty() ? message : field + ": " + message);
    }
    return new ProblemException(
        status,
        problem.path("code").asText("HTTP_" + status),
        detail.isEmpty() ? title : title + ": " + detail,
        violations);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<String> violations() {
    return violations;
  }
}
