package io.relspec.contracts.messaging;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The catalog committed a new immutable snapshot; fetch it with GET /api/v1/snapshots/{id}. */
public record SnapshotPublished(
    UUID eventId,
    Instant occurredAt,
    String snapshotId,
    String previousSnapshotId,
    int datasetCount,
    int taskCount)
    implements RelspecMessage {
  public SnapshotPublished {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(snapshotId, "snapshotId is null");
  }
}
