package io.relspec.contracts.messaging;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Source data changed: the file ids whose rows were replaced or removed. Published by executors
 * after a Flight DoPut or delete-files action, or by external systems; the scheduler may start an
 * incremental run. {@code executorId} and {@code flightUri} say which executor holds the new
 * version (absent when an external system announces data it manages itself), {@code datasetBytes}
 * its size (absent when unknown): the scheduler places tasks on the executor holding most of their
 * input bytes.
 */
public record SourceDataUpdated(
    UUID eventId,
    Instant occurredAt,
    DatasetName dataset,
    List<String> changedFileIds,
    List<String> removedFileIds,
    Long datasetVersion,
    boolean triggerRun,
    String executorId,
    String flightUri,
    Long datasetBytes)
    implements RelspecMessage {
  public SourceDataUpdated {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(dataset, "dataset is null");
    changedFileIds = Collections2.sortedDistinct(changedFileIds);
    removedFileIds = Collections2.sortedDistinct(removedFileIds);
  }
}
