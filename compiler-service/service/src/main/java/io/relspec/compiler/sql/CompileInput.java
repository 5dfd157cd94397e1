package io.relspec.compiler.sql;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import java.util.Objects;

/**
 * A dataset a task may read: a source contract, or the output of an already compiled task. A {@code
 * view} output carries its plan: its SQL is inlined into its readers' plans, and an executor
 * creates it as a temporary view before a reader runs.
 *
 * @param fileIdColumn the column carrying the file id, when rows are keyed by file (a source's
 *     declared column, or a scopable task's output column)
 * @param view the view's plan; null for anything materialized
 * @param signature a digest of everything about this input that a reader's plan depends on
 */
public record CompileInput(
    DatasetName name,
    ArrowSchema schema,
    String fileIdColumn,
    PlanArtifact view,
    String signature) {
  public CompileInput {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(schema, "schema is null");
    Objects.requireNonNull(signature, "signature is null");
  }

  public boolean isView() {
    return view != null;
  }

  public String viewSql() {
    return view == null ? null : view.sql();
  }
}
