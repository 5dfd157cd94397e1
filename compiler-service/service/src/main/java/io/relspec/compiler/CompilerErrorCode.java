package io.relspec.compiler;

import io.relspec.platform.error.ErrorCategory;
import io.relspec.platform.error.ErrorCode;

/** Errors of the compiler service; the SQL codes also appear as compile failures of tasks. */
public enum CompilerErrorCode implements ErrorCode {
  SQL_PARSE_ERROR(400, ErrorCategory.USER, "SQL does not parse"),
  NOT_A_QUERY(400, ErrorCategory.USER, "Only SELECT queries are allowed"),
  PLAN_CATALOG_NOT_FOUND(404, ErrorCategory.USER, "Plan catalog not found"),
  NO_PLAN_CATALOG_YET(404, ErrorCategory.USER, "Nothing compiled yet");

  private final int httpStatus;
  private final ErrorCategory category;
  private final String title;

  CompilerErrorCode(int httpStatus, ErrorCategory category, String title) {
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
}
