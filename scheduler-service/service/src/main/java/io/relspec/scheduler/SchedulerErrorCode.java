package io.relspec.scheduler;

import io.relspec.platform.error.ErrorCategory;
import io.relspec.platform.error.ErrorCode;

/** Errors of the scheduler service. */
public enum SchedulerErrorCode implements ErrorCode {
  NO_PLAN_CATALOG(409, "Nothing compiled yet"),
  VALIDATION_FAILED(409, "The task graph has errors"),
  RUN_NOT_FOUND(404, "Run not found"),
  UNKNOWN_TARGET(400, "Unknown target dataset"),
  UNKNOWN_TASK(400, "Unknown task"),
  UNKNOWN_SOURCE(400, "Unknown source dataset"),
  RUN_ALREADY_FINISHED(409, "Run already finished"),
  UNKNOWN_DATASET(404, "Unknown dataset"),
  UNKNOWN_FORMAT(400, "Unknown format");

  private final int httpStatus;
  private final String title;

  SchedulerErrorCode(int httpStatus, String title) {
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
