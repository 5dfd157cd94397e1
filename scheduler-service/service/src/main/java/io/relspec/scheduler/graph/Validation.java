package io.relspec.scheduler.graph;

import io.relspec.platform.client.ServiceClient;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.ApiTokens;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.plans.PlanCatalogs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The joined validation report (GET /api/v1/validation and the UI's validation page): the catalog's
 * structural checks, fetched from the catalog service, with the compiler's failures and the graph's
 * diagnostics of the newest plan catalog.
 */
@ApplicationScoped
public class Validation {
  private final PlanCatalogs planCatalogs;
  private final ServiceClient catalog;

  public Validation(PlanCatalogs planCatalogs, SchedulerConfig config, ApiTokens tokens) {
    this.planCatalogs = planCatalogs;
    this.catalog =
        config
            .catalogUrl()
            .map(
                url ->
                    new ServiceClient(
                        "catalog-service", url, tokens.clientToken(), config.compilerTimeout()))
            .orElse(null);
  }

  /** The catalog service's own report, as much of it as this report needs. */
  record CatalogReport(List<CatalogDiagnostic> diagnostics) {}

  record CatalogDiagnostic(
      String code, String severity, String kind, String name, String message) {}

  public ValidationReport report() {
    return ValidationReport.of(planCatalogs.latest(), catalogDiagnostics());
  }

  private List<GraphDiagnostic> catalogDiagnostics() {
    if (catalog == null) {
      return unavailable(
          "relspec.scheduler.catalog-url is not set, so the catalog's structural checks are not included");
    }
    try {
      List<GraphDiagnostic> result = new ArrayList<>();
      CatalogReport report = catalog.get("/api/v1/validation/catalog", CatalogReport.class);
      for (CatalogDiagnostic found :
          report.diagnostics() == null ? List.<CatalogDiagnostic>of() : report.diagnostics()) {
        result.add(
            new GraphDiagnostic(
                "catalog",
                found.code(),
                "ERROR".equals(found.severity().toUpperCase(Locale.ROOT))
                    ? GraphDiagnostic.Severity.ERROR
                    : GraphDiagnostic.Severity.WARNING,
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
}
