package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.TaskName;

/**
 * A problem that refuses a run unless it allows a partial run: a diagnostic about a selected task
 * (its code, as the graph or the compiler gave it) or an unknown name in the request.
 *
 * @param task the task it is about, or null for a problem with the request itself
 */
public record RunProblem(String code, TaskName task, String message) {}
