package io.relspec.contracts.api.validation;

import io.relspec.contracts.api.validation.GraphDiagnostic.Severity;

/**
 * The findings the scheduler makes about a plan catalog's graph, each with its severity. An error
 * blocks the task it is about (and, as {@link #UPSTREAM_BLOCKED}, every task downstream); a warning
 * is reported and blocks nothing. Codes found by the catalog service travel as that service wrote
 * them.
 */
public enum GraphDiagnosticCode {
  /** Tasks read each other's outputs in a loop. */
  CYCLE(Severity.ERROR),
  /** The compiler could not compile the task; the message carries the compiler's own code. */
  COMPILE_FAILED(Severity.ERROR),
  /** Two tasks, or a task and a source, write the same dataset. */
  MULTIPLE_PRODUCERS(Severity.ERROR),
  /** A task reads a dataset that no task writes and no source contract declares. */
  MISSING_SOURCE(Severity.ERROR),
  /** A task reads a column its input does not have. */
  EDGE_COLUMN_MISSING(Severity.ERROR),
  /** A task reads a column as a type its input does not have. */
  EDGE_TYPE_MISMATCH(Severity.ERROR),
  /** A task reads a blocked task's output (blocked reasons only, never a diagnostic). */
  UPSTREAM_BLOCKED(Severity.ERROR),
  /** A view nobody reads: it is never computed. */
  UNREAD_OUTPUT(Severity.WARNING),
  /** A source nobody reads. */
  UNUSED_SOURCE(Severity.WARNING),
  /** The catalog's structural checks could not be included in the report. */
  CATALOG_UNAVAILABLE(Severity.WARNING);

  private final Severity severity;

  GraphDiagnosticCode(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }
}
