package io.relspec.executor;

/** Why a task attempt failed, sent as TaskRunFailed.errorCode; retryable ones may succeed later. */
public enum ExecutorErrorCode {
  SQL_REFUSED(false),
  SQL_ERROR(false),
  INPUT_NOT_AVAILABLE(true),
  /** A file-scoped upsert landed on an executor that does not hold the output; another may. */
  OUTPUT_NOT_HELD(true),
  OUT_OF_MEMORY(true),
  DEADLINE_EXCEEDED(true),
  /** The run was cancelled; the scheduler no longer wants the result. */
  CANCELLED(false),
  /** The executor was shutting down; the attempt goes back to the scheduler for another one. */
  EXECUTOR_STOPPING(true),
  INTERNAL_ERROR(true);

  private final boolean retryable;

  ExecutorErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
