package io.relspec.platform.error;

/** Errors every service can raise, independent of its domain. */
public enum PlatformErrorCode implements ErrorCode {
  UNAUTHENTICATED(401, ErrorCategory.USER, "Authentication required"),
  FORBIDDEN(403, ErrorCategory.USER, "Not allowed"),
  NOT_FOUND(404, ErrorCategory.USER, "Not found"),
  METHOD_NOT_ALLOWED(405, ErrorCategory.USER, "Method not allowed"),
  NOT_ACCEPTABLE(406, ErrorCategory.USER, "Not acceptable"),
  UNSUPPORTED_MEDIA_TYPE(415, ErrorCategory.USER, "Unsupported media type"),
  MALFORMED_REQUEST(400, ErrorCategory.USER, "Malformed request"),
  INVALID_REQUEST(400, ErrorCategory.USER, "Invalid request"),
  PAYLOAD_TOO_LARGE(413, ErrorCategory.USER, "Payload too large"),
  CONFLICT(409, ErrorCategory.USER, "Conflict"),
  UPSTREAM_UNAVAILABLE(503, ErrorCategory.INTERNAL, "A service this one depends on is unavailable"),
  INTERNAL_ERROR(500, ErrorCategory.INTERNAL, "Internal error");

  private final int httpStatus;
  private final ErrorCategory category;
  private final String title;

  PlatformErrorCode(int httpStatus, ErrorCategory category, String title) {
    this.httpStatus = httpStatus;
    this.category = category;
    this.title = title;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public ErrorCategory category() {
    return category;
  }

  @Override
  public String title() {
    return title;
  }

  public static PlatformErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHENTICATED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 503 -> UPSTREAM_UNAVAILABLE;
      default -> status >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
    };
  }
}
