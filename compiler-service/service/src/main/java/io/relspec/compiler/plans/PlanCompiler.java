package io.relspec.compiler.plans;

import io.relspec.compiler.sql.ParsedQuery;
import io.relspec.compiler.sql.QueryParser;
import io.relspec.compiler.sql.SqlCompileException;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compiles every task of a snapshot into a {@link PlanCatalog}; failures are per task. */
public final class PlanCompiler {
  private final QueryParser parser = new QueryParser();

  public PlanCatalog compile(CatalogSnapshot snapshot, Instant now) {
    Map<TaskName, PlanArtifact> plans = new TreeMap<>();
    List<CompileFailure> failures = new ArrayList<>();
    for (Map.Entry<TaskName, TaskSpec> entry : snapshot.tasks().entrySet()) {
      TaskSpec spec = entry.getValue();
      try {
        ParsedQuery query = parser.parse(spec.sql());
        plans.put(
            entry.getKey(),
            new PlanArtifact(
                entry.getKey(),
                spec.output(),
                spec.kind(),
                spec.cachePolicy(),
                spec.priority(),
                query.tables(),
                query.fingerprint(),
                query.duckDbSql()));
      } catch (SqlCompileException e) {
        failures.add(
            new CompileFailure(
                entry.getKey(), e.code().code(), e.getMessage(), e.line(), e.column()));
      }
    }
    return new PlanCatalog(
        planCatalogId(snapshot.id()), snapshot.id(), now, snapshot.datasets(), plans, failures);
  }

  /** Deterministic: the same snapshot compiled by the same compiler version has the same id. */
  static String planCatalogId(String snapshotId) {
    return Fingerprint.sha256("plan-catalog\n" + QueryParser.NORMALIZER_VERSION + "\n" + snapshotId)
        .value();
  }
}
