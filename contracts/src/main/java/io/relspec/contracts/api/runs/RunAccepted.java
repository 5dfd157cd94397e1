package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.DatasetName;
import java.util.List;

/**
 * The answer to a run request: its id, what it will do with each task, and the outputs of removed
 * tasks it retired (no longer tracked or reused).
 */
public record RunAccepted(String runId, List<PlannedTask> plan, List<DatasetName> retired) {
  public RunAccepted {
    retired = retired == null ? List.of() : List.copyOf(retired);
  }
}
