package io.relspec.scheduler.runs;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.List;

/** One line of a run plan, as returned by POST /api/v1/runs. */
public record PlannedTask(
    TaskName task,
    DatasetName output,
    TaskAction action,
    SelectionReason reason,
    List<String> fileIds,
    String blockedBy) {
  public PlannedTask {
    fileIds = fileIds == null ? List.of() : List.copyOf(fileIds);
  }
}
