package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import java.time.Instant;

/**
 * The transitions of a task run as its attempts end, each by name: what the task is (name, output,
 * plan, action, reason, file count) and its attempt number never change here.
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
        when,
        task.placement());
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
    return new TaskRunStatus(
        task.task(),
        task.output(),
        task.kind(),
        task.fingerprint(),
        task.priority(),
        task.action(),
        task.reason(),
        state,
        task.attempt(),
        executorId,
        rows,
        durationMillis,
        datasetVersion,
        errorCode,
        error,
        task.fileCount(),
        null,
        task.placement());
  }
}
