package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, content-addressed view of the catalog (GET /api/v1/snapshots/{id}). The id is the
 * SHA-256 of the canonical (sorted) content, so the same catalog always has the same id. {@code
 * tasks} holds every effective task, including those synthesized from contracts.
 */
public record CatalogSnapshot(
    String id,
    String previousId,
    Instant createdAt,
    Map<DatasetName, DatasetContract> datasets,
    Map<String, FunctionSpec> functions,
    Map<String, TaskTemplate> templates,
    Map<TaskName, TaskSpec> tasks,
    Map<String, BundleSummary> bundles) {
  public CatalogSnapshot {
    Objects.requireNonNull(id, "id is null");
    datasets = Collections2.sortedCopy(datasets);
    functions = Collections2.sortedCopy(functions);
    templates = Collections2.sortedCopy(templates);
    tasks = Collections2.sortedCopy(tasks);
    bundles = Collections2.sortedCopy(bundles);
  }
}
