package io.relspec.contracts.messaging;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A task attempt failed; {@code retryable} says whether another attempt may succeed (the code's own
 * {@link TaskFailureCode#retryable()} unless the executor knows better). With {@code
 * INPUT_NOT_AVAILABLE}, {@code unavailableInputs} names the inputs that could not be read (their
 * holder unreachable, or the version pruned): the scheduler rebuilds a task output elsewhere, or
 * waits for a source's holder to come back.
 */
public record TaskRunFailed(
    UUID eventId,
    Instant occurredAt,
    String runId,
    String taskRunId,
    TaskName task,
    int attempt,
    String executorId,
    TaskFailureCode errorCode,
    String message,
    boolean retryable,
    long durationMillis,
    List<DatasetName> unavailableInputs)
    implements RelspecMessage {
  public TaskRunFailed {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskRunId, "taskRunId is null");
    Objects.requireNonNull(task, "task is null");
    Objects.requireNonNull(errorCode, "errorCode is null");
    Objects.requireNonNull(message, "message is null");
    unavailableInputs = Collections2.sortedDistinct(unavailableInputs);
  }
}
