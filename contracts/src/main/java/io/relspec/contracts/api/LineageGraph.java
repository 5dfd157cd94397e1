package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.List;
import java.util.Objects;

/**
 * Transitive column lineage across tasks (GET /api/v1/lineage/{dataset}/{column}): every edge from
 * a source column to a column computed from it, with the task that computes it and how.
 *
 * @param direction {@code upstream} (where the column comes from) or {@code downstream} (what is
 *     computed from it)
 * @param depth how many tasks away the walk went at most
 */
public record LineageGraph(
    String planCatalogId, Column start, String direction, int depth, List<Edge> edges) {
  public LineageGraph {
    Objects.requireNonNull(start, "start is null");
    edges = Collections2.copy(edges);
  }

  /** A column of a dataset. */
  public record Column(DatasetName dataset, String column) {}

  /**
   * {@code from} contributes to {@code to} through {@code task}; {@code distance} counts tasks from
   * the start column (1 = the task next to it).
   */
  public record Edge(
      Column from,
      Column to,
      TaskName task,
      ColumnLineage.Type type,
      ColumnLineage.Subtype subtype,
      int distance) {}
}
