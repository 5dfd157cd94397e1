package io.relspec.scheduler.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.util.Map;

/**
 * Where a task's output currently lives, the plan fingerprint it was built with, and the version of
 * every input it was built from (null for a source whose version was not known).
 */
public record Materialization(
    DatasetName dataset,
    TaskName task,
    Fingerprint fingerprint,
    long version,
    String executorId,
    String flightUri,
    long rows,
    Map<DatasetName, Long> inputVersions) {
  public Materialization {
    inputVersions = inputVersions == null ? Map.of() : new java.util.TreeMap<>(inputVersions);
  }
}
