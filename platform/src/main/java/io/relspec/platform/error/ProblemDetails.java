package io.relspec.platform.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details, with the stable Relspec {@code code} and, for validation failures, the
 * individual {@code violations}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemDetails(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String code,
    String category,
    List<Violation> violations) {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://relspec.io/problems/";

  public ProblemDetails {
    violations = violations == null ? List.of() : List.copyOf(violations);
  }

  public static ProblemDetails of(
      ErrorCode code, String detail, String instance, List<Violation> violations) {
    return new ProblemDetails(
        TYPE_BASE + code.code().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        code.title(),
        code.httpStatus(),
        detail,
        instance,
        code.code(),
        code.category().name().toLowerCase(java.util.Locale.ROOT),
        violations);
  }

  /**
   * One failed check: where (a field path or name) and why; SQL diagnostics add their own code and
   * the line and column in the SQL text.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Violation(String field, String message, String code, Integer line, Integer column) {
    public Violation(String field, String message) {
      this(field, message, null, null, null);
    }
  }
}
