package io.relspec.contracts.api;

import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every task's plan for one catalog snapshot (GET /api/v1/plan-catalogs/{id}), with the source
 * contracts and catalog functions the plans were validated against.
 */
public record PlanCatalog(
    String id,
    String snapshotId,
    Instant compiledAt,
    Map<DatasetName, DatasetContract> sources,
    Map<String, FunctionSpec> functions,
    Map<TaskName, PlanArtifact> plans,
    List<CompileFailure> failures) {
  public PlanCatalog {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(snapshotId, "snapshotId is null");
    sources = Collections2.sortedCopy(sources);
    functions = Collections2.sortedCopy(functions);
    plans = Collections2.sortedCopy(plans);
    failures = Collections2.copy(failures);
  }
}
