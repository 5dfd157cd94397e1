package io.relspec.contracts.api.runs;

import io.relspec.contracts.model.DatasetName;
import java.util.List;

/**
 * The answer to a dry run ({@code POST /api/v1/runs} with {@code dryRun: true}): what a run asked
 * for now would do with each task and why, planned against the latest plan catalog and what is
 * materialized, without starting anything or changing any state.
 *
 * @param refused whether the same request without {@code dryRun} would be refused for {@code
 *     problems}
 */
public record RunPreview(
    boolean dryRun,
    String planCatalogId,
    List<PlannedTask> plan,
    List<DatasetName> retired,
    List<RunProblem> problems,
    boolean refused) {
  public RunPreview {
    plan = List.copyOf(plan);
    retired = List.copyOf(retired);
    problems = List.copyOf(problems);
  }
}
