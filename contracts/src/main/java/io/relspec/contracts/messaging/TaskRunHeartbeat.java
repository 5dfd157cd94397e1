package io.relspec.contracts.messaging;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** An executor is still working on a task attempt. */
public record TaskRunHeartbeat(
    UUID eventId,
    Instant occurredAt,
    String runId,
    String taskRunId,
    int attempt,
    String executorId)
    implements RelspecMessage {
  public TaskRunHeartbeat {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskRunId, "taskRunId is null");
    Objects.requireNonNull(executorId, "executorId is null");
  }
}
