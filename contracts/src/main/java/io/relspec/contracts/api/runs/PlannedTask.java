package io.relspec.contracts.api.runs;

import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.List;

/**
 * One line of a run plan, as returned by POST /api/v1/runs.
 *
 * @param fileIds the file ids a scoped run re-builds (empty: the whole output)
 * @param scope for a task that runs because its inputs changed, why it runs for those file ids only
 *     or why in full; null otherwise (and in plans read back from a stored run)
 */
public record PlannedTask(
    TaskName task,
    DatasetName output,
    TaskAction action,
    SelectionReason reason,
    List<String> fileIds,
    BlockedReason blockedBy,
    String scope) {
  public PlannedTask {
    fileIds = fileIds == null ? List.of() : List.copyOf(fileIds);
  }
}
