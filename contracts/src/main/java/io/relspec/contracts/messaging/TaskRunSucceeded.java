package io.relspec.contracts.messaging;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A task attempt's output is committed in the executor's store and served over Flight.
 *
 * @param contentHash a hash of the output's schema and rows (order-independent), equal for equal
 *     contents whichever executor wrote them; null from executors that do not compute it. The
 *     scheduler compares it with the previous version's to stop re-running readers of an output
 *     that came out identical (early cutoff).
 * @param changedFileIds when the attempt rewrote a file-keyed output in full ({@code
 *     TaskRunRequested.fileIdColumn} named), the file ids whose partitions differ from the previous
 *     version, sorted; empty when none did; null when unknown (an upsert, no previous version on
 *     this executor, or too many to name). The scheduler narrows readers that are file-scopable for
 *     this output to those file ids (early cutoff by partition).
 */
public record TaskRunSucceeded(
    UUID eventId,
    Instant occurredAt,
    String runId,
    String taskRunId,
    TaskName task,
    int attempt,
    String executorId,
    DatasetName output,
    long datasetVersion,
    long rows,
    long bytes,
    ArrowSchema outputSchema,
    String flightUri,
    long durationMillis,
    String contentHash,
    List<String> changedFileIds)
    implements RelspecMessage {
  public TaskRunSucceeded {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskRunId, "taskRunId is null");
    Objects.requireNonNull(task, "task is null");
    Objects.requireNonNull(executorId, "executorId is null");
    Objects.requireNonNull(output, "output is null");
    changedFileIds = changedFileIds == null ? null : List.copyOf(changedFileIds);
  }
}
