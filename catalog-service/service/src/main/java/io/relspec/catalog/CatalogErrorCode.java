package io.relspec.catalog;

import io.relspec.platform.error.ErrorCategory;
import io.relspec.platform.error.ErrorCode;

/** Errors of the catalog service. */
public enum CatalogErrorCode implements ErrorCode {
  DATASET_NOT_FOUND(404, "Dataset not found"),
  TASK_NOT_FOUND(404, "Task not found"),
  FUNCTION_NOT_FOUND(404, "Function not found"),
  TEMPLATE_NOT_FOUND(404, "Template not found"),
  BUNDLE_NOT_FOUND(404, "Bundle not found"),
  SNAPSHOT_NOT_FOUND(404, "Snapshot not found"),
  NO_SNAPSHOT_YET(404, "Nothing registered yet"),
  OUTPUT_CONFLICT(409, "Output already produced elsewhere"),
  NAME_CONFLICT(409, "Name already taken"),
  OWNED_BY_BUNDLE(409, "Owned by a bundle"),
  SYNTHESIZED_TASK(409, "Task synthesized from a contract"),
  TEMPLATE_IN_USE(409, "Template in use"),
  SYNTAX_ERROR(400, "SQL does not parse"),
  NOT_A_QUERY(400, "Only queries are allowed"),
  MULTIPLE_STATEMENTS(400, "Exactly one statement is allowed"),
  UNSUPPORTED_SYNTAX(400, "DuckDB syntax the analyzer does not support"),
  INVALID_SPEC(400, "Invalid specification"),
  INVALID_TEMPLATE_INSTANCE(400, "Invalid template instance"),
  INVALID_BUNDLE_ARCHIVE(400, "Invalid bundle archive"),
  SQL_TOO_LARGE(413, "SQL too large"),
  REQUEST_TOO_LARGE(413, "Request too large"),
  UNSUPPORTED_EXPORT(404, "No such export");

  private final int httpStatus;
  private final String title;

  CatalogErrorCode(int httpStatus, String title) {
    this.httpStatus = httpStatus;
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
    return ErrorCategory.USER;
  }

  @Override
  public String title() {
    return title;
  }
}
