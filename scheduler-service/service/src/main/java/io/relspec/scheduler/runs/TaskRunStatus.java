package io.relspec.scheduler.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;

/** One task of a run as stored and as shown by GET /api/v1/runs/{id}. */
public record TaskRunStatus(
    TaskName task,
    DatasetName output,
    Fingerprint fingerprint,
    int priority,
    TaskAction action,
    SelectionReason reason,
    TaskRunState state,
    int attempt,
    String executorId,
    Long rows,
    Long durationMillis,
    Long datasetVersion,
    String errorCode,
    String error) {

  /** The same task in this run with new execution progress; what the task is stays unchanged. */
  TaskRunStatus progress(
      TaskRunState newState,
      int newAttempt,
      String newExecutorId,
      Long newRows,
      Long newDurationMillis,
      Long newDatasetVersion,
      String newErrorCode,
      String newError) {
    return new TaskRunStatus(
        task,
        output,
        fingerprint,
        priority,
        action,
        reason,
        newState,
        newAttempt,
        newExecutorId,
        newRows,
        newDurationMillis,
        newDatasetVersion,
        newErrorCode,
        newError);
  }

  TaskRunStatus withState(TaskRunState newState) {
    return progress(
        newState, attempt, executorId, rows, durationMillis, datasetVersion, errorCode, error);
  }
}
