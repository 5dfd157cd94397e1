package io.relspec.compiler;

import io.relspec.platform.error.ErrorCategory;
import io.relspec.platform.error.ErrorCode;

/**
 * Errors of the compiler service. The SQL diagnostic codes also appear as compile failures of tasks
 * in plan catalogs, and as {@code violations[].code} of a 422 from POST /api/v1/compile.
 */
public enum CompilerErrorCode implements ErrorCode {
  // Diagnostics of one task's SQL; as a compile failure they name the task, line and column.
  SYNTAX_ERROR(422, ErrorCategory.USER, "SQL does not parse"),
  NOT_A_QUERY(422, ErrorCategory.USER, "Only queries are allowed"),
  MULTIPLE_STATEMENTS(422, ErrorCategory.USER, "Exactly one statement is allowed"),
  TOO_LARGE(413, ErrorCategory.USER, "SQL is too large"),
  UNSUPPORTED_SYNTAX(422, ErrorCategory.USER, "DuckDB syntax the analyzer does not support"),
  UNKNOWN_TABLE(422, ErrorCategory.USER, "Unknown table"),
  UNKNOWN_COLUMN(422, ErrorCategory.USER, "Unknown column"),
  AMBIGUOUS_COLUMN(422, ErrorCategory.USER, "Ambiguous column"),
  TYPE_ERROR(422, ErrorCategory.USER, "Type error"),
  UNKNOWN_FUNCTION(422, ErrorCategory.USER, "Unknown function"),
  INVALID_FUNCTION(422, ErrorCategory.USER, "A catalog function the task calls does not compile"),
  INVALID_QUERY(422, ErrorCategory.USER, "Invalid query"),
  CYCLE(422, ErrorCategory.USER, "Tasks read each other's outputs in a cycle"),
  UPSTREAM_FAILED(422, ErrorCategory.USER, "An input did not compile"),
  TIMEOUT(422, ErrorCategory.USER, "Compilation took longer than the limit"),
  // Errors of the API itself.
  COMPILE_FAILED(422, ErrorCategory.USER, "The SQL did not compile"),
  PLAN_CATALOG_NOT_FOUND(404, ErrorCategory.USER, "Plan catalog not found"),
  NO_PLAN_CATALOG_YET(404, ErrorCategory.USER, "Nothing compiled yet"),
  PLAN_NOT_FOUND(404, ErrorCategory.USER, "No plan for this task"),
  UNKNOWN_LINEAGE_COLUMN(404, ErrorCategory.USER, "No such dataset column"),
  INVALID_REQUEST(400, ErrorCategory.USER, "Invalid request");

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
