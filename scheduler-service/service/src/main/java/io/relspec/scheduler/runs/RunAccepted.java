package io.relspec.scheduler.runs;

import java.util.List;

/** The answer to a run request: its id and what it will do with each task. */
public record RunAccepted(String runId, List<PlannedTask> plan) {}
