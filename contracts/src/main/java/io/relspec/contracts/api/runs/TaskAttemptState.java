package io.relspec.contracts.api.runs;

import java.time.Instant;

/**
 * Where a task run stands after its latest attempt (attempt 0: none yet).
 *
 * @param executorId the executor the latest attempt ran on, when one took it
 * @param rows the rows a successful attempt wrote
 * @param durationMillis how long the latest attempt ran
 * @param datasetVersion the version a successful attempt wrote
 * @param errorCode why the latest attempt failed, or why the task is blocked or skipped
 * @param error the same in words
 * @param retryAt when a failed attempt's retry is due, while it waits
 * @param placement why the latest attempt went to the executor (or queue) it went to
 */
public record TaskAttemptState(
    TaskRunState state,
    int attempt,
    String executorId,
    Long rows,
    Long durationMillis,
    Long datasetVersion,
    String errorCode,
    String error,
    Instant retryAt,
    String placement) {}
