package io.relspec.scheduler.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;

/** Where a task's output currently lives, and the plan fingerprint it was built with. */
public record Materialization(
    DatasetName dataset,
    TaskName task,
    Fingerprint fingerprint,
    long version,
    String executorId,
    String flightUri,
    long rows) {}
