package io.relspec.contracts.messaging;

/**
 * Why a task attempt did not succeed. The executor sends the first nine as {@link
 * TaskRunFailed#errorCode()}; the scheduler records the last three itself. A retryable failure may
 * succeed on another attempt (elsewhere, or once an input is back); the others fail the same way
 * again.
 */
public enum TaskFailureCode {
  /** The SQL is not a single read-only query over the task's declared inputs. */
  SQL_REFUSED(false),
  /** DuckDB rejected or failed the query (a binder error, a failed cast, division by zero). */
  SQL_ERROR(false),
  /** An input could not be read: its holder is unreachable or the version was pruned. */
  INPUT_NOT_AVAILABLE(true),
  /** A file-scoped upsert landed on an executor that does not hold the output; another may. */
  OUTPUT_NOT_HELD(true),
  /** DuckDB ran out of its memory limit; another executor, or a quieter moment, may have room. */
  OUT_OF_MEMORY(true),
  /** The attempt ran past the task's deadline. */
  DEADLINE_EXCEEDED(true),
  /** The run was cancelled; the scheduler no longer wants the result. */
  CANCELLED(false),
  /** The executor was shutting down; the attempt goes back to the scheduler for another one. */
  EXECUTOR_STOPPING(true),
  /** A defect in the executor; reported with its message, retried in case it was transient. */
  INTERNAL_ERROR(true),
  /** The attempt's lease expired: its executor stopped sending heartbeats. */
  EXECUTOR_LOST(true),
  /** The task was skipped because a task it reads failed for good. */
  UPSTREAM_FAILED(false);

  private final boolean retryable;

  TaskFailureCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether another attempt of the same task may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
