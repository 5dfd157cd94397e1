package io.relspec.compiler.lineage;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.LineageGraph;
import io.relspec.contracts.api.LineageGraph.Column;
import io.relspec.contracts.api.LineageGraph.Edge;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.model.DatasetName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks column lineage across the tasks of a plan catalog, breadth first, up to a depth. */
public final class LineageWalker {
  private final PlanCatalog catalog;
  private final Map<DatasetName, PlanArtifact> byOutput = new HashMap<>();

  public LineageWalker(PlanCatalog catalog) {
    this.catalog = catalog;
    catalog.plans().values().forEach(plan -> byOutput.put(plan.output(), plan));
  }

  /** True when the dataset is a source or a compiled task's output and has the column. */
  public boolean knows(Column column) {
    PlanArtifact plan = byOutput.get(column.dataset());
    if (plan != null) {
      return plan.outputSchema().field(column.column()).isPresent();
    }
    var source = catalog.sources().get(column.dataset());
    return source != null && source.schema().field(column.column()).isPresent();
  }

  public LineageGraph upstream(Column start, int depth) {
    List<Edge> edges = new ArrayList<>();
    walk(
        start,
        depth,
        (column, distance, next) -> {
          PlanArtifact plan = byOutput.get(column.dataset());
          if (plan == null) {
            return;
          }
          for (ColumnLineage.Origin origin :
              plan.lineageOf(column.column()).map(ColumnLineage::origins).orElse(List.of())) {
            Column from = new Column(origin.dataset(), origin.column());
            edges.add(
                new Edge(from, column, plan.task(), origin.type(), origin.subtype(), distance));
            next.add(from);
          }
        });
    return graph(start, "upstream", depth, edges);
  }

  public LineageGraph downstream(Column start, int depth) {
    Map<Column, List<Edge>> readers = new HashMap<>();
    for (PlanArtifact plan : catalog.plans().values()) {
      for (ColumnLineage lineage : plan.lineage()) {
        Column to = new Column(plan.output(), lineage.column());
        for (ColumnLineage.Origin origin : lineage.origins()) {
          Column from = new Column(origin.dataset(), origin.column());
          readers
              .computeIfAbsent(from, key -> new ArrayList<>())
              .add(new Edge(from, to, plan.task(), origin.type(), origin.subtype(), 0));
        }
      }
    }
    List<Edge> edges = new ArrayList<>();
    walk(
        start,
        depth,
        (column, distance, next) -> {
          for (Edge edge : readers.getOrDefault(column, List.of())) {
            edges.add(
                new Edge(
                    edge.from(), edge.to(), edge.task(), edge.type(), edge.subtype(), distance));
            next.add(edge.to());
          }
        });
    return graph(start, "downstream", depth, edges);
  }

  private interface Step {
    void expand(Column column, int distance, List<Column> next);
  }

  private static void walk(Column start, int depth, Step step) {
    Set<Column> seen = new HashSet<>(List.of(start));
    Deque<Column> frontier = new ArrayDeque<>(List.of(start));
    for (int distance = 1; distance <= depth && !frontier.isEmpty(); distance++) {
      Deque<Column> following = new ArrayDeque<>();
      for (Column column : frontier) {
        List<Column> next = new ArrayList<>();
        step.expand(column, distance, next);
        for (Column candidate : next) {
          if (seen.add(candidate)) {
            following.add(candidate);
          }
        }
      }
      frontier = following;
    }
  }

  private LineageGraph graph(Column start, String direction, int depth, List<Edge> edges) {
    edges.sort(
        Comparator.comparingInt(Edge::distance)
            .thenComparing(edge -> edge.to().dataset())
            .thenComparing(edge -> edge.to().column())
            .thenComparing(edge -> edge.from().dataset())
            .thenComparing(edge -> edge.from().column())
            .thenComparing(Edge::subtype));
    return new LineageGraph(catalog.id(), start, direction, depth, edges);
  }
}
