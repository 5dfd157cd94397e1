package io.relspec.contracts.api.validation;

import java.util.List;

/**
 * GET /api/v1/validation: one report joining the catalog's structural checks, the compiler's
 * failures, and the graph and edge diagnostics of the newest plan catalog.
 *
 * @param valid true when there is no error (warnings allowed)
 */
public record ValidationReport(
    String planCatalogId,
    String snapshotId,
    String graphSignature,
    boolean valid,
    int errorCount,
    int warningCount,
    List<String> blockedTasks,
    List<GraphDiagnostic> diagnostics) {}
