package io.relspec.contracts.api.runs;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;

/**
 * One task of a run as stored and as shown by GET /api/v1/runs/{id}: what the task is in the run,
 * and where its latest attempt stands. On the wire both parts are one flat object ({@code
 * golden/api/task-run-status.json}); the accessors below read through to them.
 */
public record TaskRunStatus(
    @JsonUnwrapped TaskRunDefinition definition, @JsonUnwrapped TaskAttemptState latest) {

  /** The same task, its latest attempt now standing at {@code next}. */
  public TaskRunStatus withLatest(TaskAttemptState next) {
    return new TaskRunStatus(definition, next);
  }

  public TaskName task() {
    return definition.task();
  }

  public DatasetName output() {
    return definition.output();
  }

  public String kind() {
    return definition.kind();
  }

  public Fingerprint fingerprint() {
    return definition.fingerprint();
  }

  public int priority() {
    return definition.priority();
  }

  public TaskAction action() {
    return definition.action();
  }

  public SelectionReason reason() {
    return definition.reason();
  }

  public int fileCount() {
    return definition.fileCount();
  }

  public TaskRunState state() {
    return latest.state();
  }

  public int attempt() {
    return latest.attempt();
  }

  public String executorId() {
    return latest.executorId();
  }

  public Long rows() {
    return latest.rows();
  }

  public Long durationMillis() {
    return latest.durationMillis();
  }

  public Long datasetVersion() {
    return latest.datasetVersion();
  }

  public String errorCode() {
    return latest.errorCode();
  }

  public String error() {
    return latest.error();
  }

  public Instant retryAt() {
    return latest.retryAt();
  }

  public String placement() {
    return latest.placement();
  }
}
