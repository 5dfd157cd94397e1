package io.relspec.catalog;

import io.relspec.platform.error.ErrorCategory;
import io.relspec.platform.error.ErrorCode;

/** Errors of the catalog service. */
public enum CatalogErrorCode implements ErrorCode {
  DATASET_NOT_FOUND(404, "Dataset not found"),
  TASK_NOT_FOUND(404, "Task not found"),
  SNAPSHOT_NOT_FOUND(404, "Snapshot not found"),
  NO_SNAPSHOT_YET(404, "Nothing registered yet"),
  OUTPUT_CONFLICT(409, "Output already produced elsewhere");

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
