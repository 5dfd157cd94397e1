package io.relspec.contracts.api.validation;

import java.util.List;

/** The catalog's structural checks (GET /api/v1/validation/catalog). */
public record CatalogValidationReport(
    boolean valid, int errorCount, int warningCount, List<CatalogDiagnostic> diagnostics) {
  public CatalogValidationReport {
    diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
  }
}
