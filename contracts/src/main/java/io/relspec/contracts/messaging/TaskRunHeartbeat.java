package io.relspec.contracts.messaging;

import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An executor is still working on a task attempt. {@code task} names the task (null from executors
 * older than this field: the scheduler then takes it from {@code taskRunId}, {@code
 * <runId>/<task>}).
 */
public record TaskRunHeartbeat(
    UUID eventId,
    Instant occurredAt,
    String runId,
    String taskRunId,
    int attempt,
    String executorId,
    TaskName task)
    implements RelspecMessage {
  public TaskRunHeartbeat {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskRunId, "taskRunId is null");
    Objects.requireNonNull(executorId, "executorId is null");
  }

  /** The task of the attempt, from the field or else from the task run id. */
  public TaskName taskName() {
    return task != null ? task : TaskName.of(taskRunId.substring(taskRunId.indexOf('/') + 1));
  }
}
