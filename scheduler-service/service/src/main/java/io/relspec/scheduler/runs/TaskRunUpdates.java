package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.TaskAttemptState;
import io.relspec.contracts.api.runs.TaskRunDefinition;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import java.time.Instant;

/**
 * The transitions of a task run as its attempts end, each by name: they replace the latest
 * attempt's state and keep the task's {@link TaskRunDefinition} and attempt number.
 */
final class TaskRunUpdates {
  private TaskRunUpdates() {}

  /** The attempt succeeded: its executor, rows, time and the version it wrote. */
  static TaskRunStatus succeeded(
      TaskRunStatus task, String executorId, long rows, long durationMillis, long version) {
    return with(
        task, TaskRunState.SUCCEEDED, executorId, rows, durationMillis, version, null, null);
  }

  /**
   * The attempt failed with {@code code}: {@code PENDING} when another attempt follows (now, after
   * a backoff, or once a lost input is back), else {@code FAILED}.
   */
  static TaskRunStatus failed(
      TaskRunStatus task,
      TaskRunState next,
      String executorId,
      Long durationMillis,
      String code,
      String message) {
    return with(task, next, executorId, null, durationMillis, null, code, message);
  }

  /** The task will not run in this run: skipped for {@code code}. */
  static TaskRunStatus skipped(TaskRunStatus task, String executorId, String code, String message) {
    return with(task, TaskRunState.SKIPPED, executorId, null, null, null, code, message);
  }

  /** A finished task whose output was lost runs again for its readers ({@code REBUILDING}). */
  static TaskRunStatus rebuilding(TaskRunStatus task, String message) {
    return with(task, TaskRunState.READY, null, null, null, null, "REBUILDING", message);
  }

  /** The same status, its next attempt due at {@code when}. */
  static TaskRunStatus retryAt(TaskRunStatus task, Instant when) {
    TaskAttemptState latest = task.latest();
    return task.withLatest(
        new TaskAttemptState(
            latest.state(),
            latest.attempt(),
            latest.executorId(),
            latest.rows(),
            latest.durationMillis(),
            latest.datasetVersion(),
            latest.errorCode(),
            latest.error(),
            when,
            latest.placement()));
  }

  /**
   * A task as a run is planned: no attempt yet, {@code PENDING} to run, or {@code REUSED}, {@code
   * SKIPPED} or {@code BLOCKED} with the reason in {@code errorCode} and {@code error}.
   */
  static TaskRunStatus planned(
      TaskRunDefinition definition, TaskRunState state, String errorCode, String error) {
    return new TaskRunStatus(
        definition,
        new TaskAttemptState(state, 0, null, null, null, null, errorCode, error, null, null));
  }

  private static TaskRunStatus with(
      TaskRunStatus task,
      TaskRunState state,
      String executorId,
      Long rows,
      Long durationMillis,
      Long datasetVersion,
      String errorCode,
      String error) {
    return task.withLatest(
        new TaskAttemptState(
            state,
            task.attempt(),
            executorId,
            rows,
            durationMillis,
            datasetVersion,
            errorCode,
            error,
            null,
            task.placement()));
  }
}
