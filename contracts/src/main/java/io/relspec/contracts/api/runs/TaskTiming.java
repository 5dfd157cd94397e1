package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.TaskName;
import java.time.Instant;

/**
 * When one task of a run was handed to an executor ({@code dispatchedAt}) and when its row last
 * changed ({@code updatedAt}: its end, once {@code state} is terminal); both null for a task that
 * was never dispatched. {@code GET /api/v1/runs/{id}/timings}; the web UI draws its timeline from
 * them.
 */
public record TaskTiming(
    TaskName task, TaskRunState state, Instant dispatchedAt, Instant updatedAt) {}
