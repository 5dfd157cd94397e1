package io.relspec.scheduler.graph;

import io.relspec.contracts.api.validation.CatalogDiagnostic;
import io.relspec.contracts.api.validation.CatalogValidationReport;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.api.validation.ValidationReport;
import io.relspec.platform.error.RelspecException;
import io.relspec.scheduler.plans.PlanCatalogs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The joined validation report (GET /api/v1/validation and the UI's validation page): the catalog's
 * structural checks, fetched from the catalog service, with the compiler's failures and the graph's
 * diagnostics of the newest plan catalog.
 */
@ApplicationScoped
public class Validation {
  private final PlanCatalogs planCatalogs;
  private final CatalogChecks catalog;

  public Validation(PlanCatalogs planCatalogs, CatalogChecks catalog) {
    this.planCatalogs = planCatalogs;
    this.catalog = catalog;
  }

  public ValidationReport report() {
    return report(planCatalogs.latest(), catalogDiagnostics());
  }

  private List<GraphDiagnostic> catalogDiagnostics() {
    if (!catalog.configured()) {
      return unavailable(
          "relspec.scheduler.catalog-url is not set, so the catalog's structural checks are not included");
    }
    try {
      List<GraphDiagnostic> result = new ArrayList<>();
      CatalogValidationReport report = catalog.report();
      for (CatalogDiagnostic found : report.diagnostics()) {
        result.add(
            new GraphDiagnostic(
                "catalog",
                found.code(),
                found.severity(),
                found.kind(),
                found.name(),
                found.message(),
                null));
      }
      return result;
    } catch (RelspecException e) {
      return unavailable("the catalog's structural checks could not be fetched: " + e.getMessage());
    }
  }

  private static List<GraphDiagnostic> unavailable(String message) {
    return List.of(
        GraphDiagnostic.of(
            "catalog", GraphDiagnosticCode.CATALOG_UNAVAILABLE, null, null, message, null));
  }

  /** The report of a graph, with the catalog's diagnostics beside its own, most severe first. */
  static ValidationReport report(TaskGraph graph, List<GraphDiagnostic> catalogDiagnostics) {
    List<GraphDiagnostic> all = new ArrayList<>(catalogDiagnostics);
    all.addAll(graph.diagnostics());
    all.sort(
        Comparator.comparing(GraphDiagnostic::severity)
            .thenComparing(GraphDiagnostic::source)
            .thenComparing(GraphDiagnostic::code)
            .thenComparing(d -> d.subject() == null ? "" : d.subject())
            .thenComparing(GraphDiagnostic::message));
    int errors = (int) all.stream().filter(GraphDiagnostic::isError).count();
    return new ValidationReport(
        graph.planCatalogId(),
        graph.catalog().snapshotId(),
        graph.signature(),
        errors == 0,
        errors,
        all.size() - errors,
        graph.blocked().keySet().stream().map(Object::toString).sorted().toList(),
        List.copyOf(all));
  }
}
