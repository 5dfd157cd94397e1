package io.relspec.contracts.api.validation;

import java.util.List;
import java.util.Objects;

/**
 * One finding about the graph: a stable code, its severity, what it is about, one line of
 * explanation, and for a cycle the path around it.
 *
 * @param source who found it: {@code catalog}, {@code compiler} or {@code graph}
 * @param subjectKind {@code task} or {@code dataset}
 */
public record GraphDiagnostic(
    String source,
    String code,
    Severity severity,
    String subjectKind,
    String subject,
    String message,
    List<String> path) {
  public enum Severity {
    ERROR,
    WARNING
  }

  public GraphDiagnostic {
    Objects.requireNonNull(source, "source is null");
    Objects.requireNonNull(code, "code is null");
    Objects.requireNonNull(severity, "severity is null");
    Objects.requireNonNull(message, "message is null");
    path = path == null ? List.of() : List.copyOf(path);
  }

  /** A finding of the scheduler's own, its severity the code's. */
  public static GraphDiagnostic of(
      String source,
      GraphDiagnosticCode code,
      String subjectKind,
      String subject,
      String message,
      List<String> path) {
    return new GraphDiagnostic(
        source, code.name(), code.severity(), subjectKind, subject, message, path);
  }

  public static GraphDiagnostic taskError(
      String source, GraphDiagnosticCode code, String task, String message) {
    return of(source, code, "task", task, message, null);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
