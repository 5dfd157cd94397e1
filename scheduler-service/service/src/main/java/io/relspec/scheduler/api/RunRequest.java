package io.relspec.scheduler.api;

import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/v1/runs. Every field is optional: the default is an incremental run of
 * everything. With {@code dryRun} nothing starts: the answer is the plan a run would follow.
 */
public record RunRequest(
    RunMode mode,
    List<DatasetName> targets,
    Map<DatasetName, List<String>> changedFiles,
    Map<DatasetName, List<String>> removedFiles,
    List<TaskName> force,
    Boolean allowPartial,
    Boolean dryRun) {
  /**
   * Upper bound on file ids in one request; larger changes belong in a SourceDataUpdated stream.
   */
  public static final int MAX_FILE_IDS = 1_000_000;

  public static final int MAX_FILE_ID_LENGTH = 512;
}
