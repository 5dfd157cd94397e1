package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;

/**
 * One task of a run as stored and as shown by GET /api/v1/runs/{id}.
 *
 * @param kind {@code view}, {@code compute} or {@code materialization}
 * @param fileCount how many file ids a scoped run re-computes (0: the whole output)
 * @param retryAt when a failed attempt's retry is due, while it waits
 */
public record TaskRunStatus(
    TaskName task,
    DatasetName output,
    String kind,
    Fingerprint fingerprint,
    int priority,
    TaskAction action,
    SelectionReason reason,
    TaskRunState state,
    int attempt,
    String executorId,
    Long rows,
    Long durationMillis,
    Long datasetVersion,
    String errorCode,
    String error,
    int fileCount,
    Instant retryAt,
    String placement) {}
