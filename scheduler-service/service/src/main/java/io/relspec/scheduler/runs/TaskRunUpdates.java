package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import java.time.Instant;

/** A task run's status after execution progress; what the task is stays unchanged. */
final class TaskRunUpdates {
  private TaskRunUpdates() {}

  /** The same task in this run with new execution progress; what the task is stays unchanged. */
  static TaskRunStatus progress(
      TaskRunStatus task,
      TaskRunState newState,
      int newAttempt,
      String newExecutorId,
      Long newRows,
      Long newDurationMillis,
      Long newDatasetVersion,
      String newErrorCode,
      String newError) {
    return new TaskRunStatus(
        task.task(),
        task.output(),
        task.kind(),
        task.fingerprint(),
        task.priority(),
        task.action(),
        task.reason(),
        newState,
        newAttempt,
        newExecutorId,
        newRows,
        newDurationMillis,
        newDatasetVersion,
        newErrorCode,
        newError,
        task.fileCount(),
        null);
  }

  static TaskRunStatus withState(TaskRunStatus task, TaskRunState newState) {
    return progress(
        task,
        newState,
        task.attempt(),
        task.executorId(),
        task.rows(),
        task.durationMillis(),
        task.datasetVersion(),
        task.errorCode(),
        task.error());
  }

  static TaskRunStatus retryAt(TaskRunStatus task, Instant when) {
    return new TaskRunStatus(
        task.task(),
        task.output(),
        task.kind(),
        task.fingerprint(),
        task.priority(),
        task.action(),
        task.reason(),
        task.state(),
        task.attempt(),
        task.executorId(),
        task.rows(),
        task.durationMillis(),
        task.datasetVersion(),
        task.errorCode(),
        task.error(),
        task.fileCount(),
        when);
  }
}
