package io.relspec.platform.error;

import java.util.List;
import java.util.Objects;

/** The one exception type services throw for errors a client should see. */
public class RelspecException extends RuntimeException {
  private final ErrorCode errorCode;
  private final List<ProblemDetails.Violation> violations;

  public RelspecException(ErrorCode errorCode, String detail) {
    this(errorCode, detail, List.of(), null);
  }

  public RelspecException(ErrorCode errorCode, String detail, Throwable cause) {
    this(errorCode, detail, List.of(), cause);
  }

  public RelspecException(
      ErrorCode errorCode,
      String detail,
      List<ProblemDetails.Violation> violations,
      Throwable cause) {
    super(detail, cause);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode is null");
    this.violations = List.copyOf(violations);
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  public List<ProblemDetails.Violation> violations() {
    return violations;
  }
}
