package io.relspec.scheduler.graph;

import java.util.ArrayList;
import java.util.Comparator;
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
    List<GraphDiagnostic> diagnostics) {

  public static ValidationReport of(TaskGraph graph, List<GraphDiagnostic> catalogDiagnostics) {
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
