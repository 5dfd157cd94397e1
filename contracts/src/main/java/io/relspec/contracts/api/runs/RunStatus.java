package io.relspec.contracts.api.runs;

import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunState;
import java.time.Instant;
import java.util.List;

/** A run with its tasks (GET /api/v1/runs/{id}); list views leave {@code tasks} empty. */
public record RunStatus(
    String runId,
    RunState state,
    RunMode mode,
    String planCatalogId,
    Instant createdAt,
    Instant finishedAt,
    List<TaskRunStatus> tasks) {}
