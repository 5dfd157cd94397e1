package io.relspec.contracts.api.runs;

/** Lifecycle of one task within a run. */
public enum TaskRunState {
  PENDING,
  READY,
  DISPATCHED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  SKIPPED,
  BLOCKED,
  REUSED;

  public boolean isTerminal() {
    return this == SUCCEEDED
        || this == FAILED
        || this == SKIPPED
        || this == BLOCKED
        || this == REUSED;
  }

  /** Satisfies downstream tasks: their input exists. */
  public boolean providesOutput() {
    return this == SUCCEEDED || this == REUSED;
  }
}
