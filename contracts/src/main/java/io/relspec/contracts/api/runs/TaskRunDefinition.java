package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;

/**
 * What a task is in one run, fixed when the run is planned: its attempts never change it.
 *
 * @param kind {@code view}, {@code compute} or {@code materialization}
 * @param fileCount how many file ids a scoped run re-computes (0: the whole output)
 */
public record TaskRunDefinition(
    TaskName task,
    DatasetName output,
    String kind,
    Fingerprint fingerprint,
    int priority,
    TaskAction action,
    SelectionReason reason,
    int fileCount) {}
