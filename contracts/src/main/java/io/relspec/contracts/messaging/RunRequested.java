package io.relspec.contracts.messaging;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Command to the scheduler: start a run. The same body as POST /api/v1/runs, so external systems
 * can trigger work without REST. {@code eventId} doubles as the run's idempotency key.
 */
public record RunRequested(
    UUID eventId,
    Instant occurredAt,
    String requestedBy,
    RunMode mode,
    List<DatasetName> targets,
    Map<DatasetName, List<String>> changedFiles,
    Map<DatasetName, List<String>> removedFiles,
    List<TaskName> force,
    boolean allowPartial)
    implements RelspecMessage {
  public RunRequested {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    mode = mode == null ? RunMode.INCREMENTAL : mode;
    targets = Collections2.sortedDistinct(targets);
    changedFiles = Collections2.sortedCopy(changedFiles);
    removedFiles = Collections2.sortedCopy(removedFiles);
    force = Collections2.sortedDistinct(force);
  }
}
