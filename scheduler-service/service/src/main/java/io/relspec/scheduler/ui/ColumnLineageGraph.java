package io.relspec.scheduler.ui;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.scheduler.graph.GraphNode;
import io.relspec.scheduler.graph.TaskGraph;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lineage explorer's graph: from one {@code dataset.column}, every column it is derived from
 * (upstream, through each producing task's column lineage) and every column derived from it
 * (downstream), laid out by distance: upstream to the left, downstream to the right.
 */
public final class ColumnLineageGraph {
  private ColumnLineageGraph() {}

  /** A column of a dataset: {@code dataset.column}. */
  public record ColumnRef(DatasetName dataset, String column) implements Comparable<ColumnRef> {
    public String id() {
      return dataset.value() + "." + column;
    }

    /** Splits {@code dataset.column} at its last dot (dataset names may contain dots). */
    public static ColumnRef parse(String text) {
      String value = text == null ? "" : text.strip();
      int dot = value.lastIndexOf('.');
      if (dot <= 0 || dot == value.length() - 1) {
        throw new IllegalArgumentException(
            "a column is written dataset.column (for example hotspots.score), got '" + text + "'");
      }
      return new ColumnRef(DatasetName.of(value.substring(0, dot)), value.substring(dot + 1));
    }

    @Override
    public int compareTo(ColumnRef other) {
      return id().compareTo(other.id());
    }
  }

  /**
   * @param distance negative upstream, positive downstream, 0 for the chosen column
   * @param task the task producing this column's dataset, or null for a source
   */
  public record ColumnNode(
      String id, String dataset, String column, String kind, String task, int distance) {}

  /**
   * @param type {@code direct} or {@code indirect}
   * @param subtype the OpenLineage transformation subtype, lower case
   */
  public record ColumnEdge(String id, String source, String target, String type, String subtype) {}

  public record View(
      String column, List<ColumnNode> nodes, List<ColumnEdge> edges, boolean limited) {}

  /** The positioned cytoscape elements of a {@link View}. */
  public record Positioned(GraphLayout.Node node, ColumnNode column) {}

  public static View of(TaskGraph graph, ColumnRef start, boolean indirect, int maxNodes) {
    if (graph.dataset(start.dataset()).isEmpty()) {
      throw new IllegalArgumentException(
          "dataset '" + start.dataset() + "' is neither a source nor any task's output");
    }
    if (!columnsOf(graph, start.dataset()).contains(start.column())) {
      throw new IllegalArgumentException(
          "dataset '"
              + start.dataset()
              + "' has no column '"
              + start.column()
              + "': it has "
              + columnsOf(graph, start.dataset()));
    }
    Map<ColumnRef, Integer> distance = new TreeMap<>();
    Map<String, ColumnEdge> edges = new TreeMap<>();
    distance.put(start, 0);
    boolean limited = false;
    // Upstream: each column's producing task says where it comes from.
    Deque<ColumnRef> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty() && !limited) {
      ColumnRef column = queue.poll();
      TaskName producer = graph.producer(column.dataset());
      PlanArtifact plan = producer == null ? null : graph.plan(producer);
      if (plan == null) {
        continue;
      }
      for (ColumnLineage.Origin origin :
          plan.lineageOf(column.column()).map(ColumnLineage::origins).orElse(List.of())) {
        if (!indirect && origin.type() == ColumnLineage.Type.INDIRECT) {
          continue;
        }
        ColumnRef from = new ColumnRef(origin.dataset(), origin.column());
        addEdge(edges, from, column, origin);
        if (!distance.containsKey(from)) {
          distance.put(from, distance.get(column) - 1);
          queue.add(from);
          limited = distance.size() > maxNodes;
        }
      }
    }
    // Downstream: an index from each input column to the output columns derived from it.
    Map<ColumnRef, List<Map.Entry<ColumnRef, ColumnLineage.Origin>>> readers = new HashMap<>();
    for (PlanArtifact plan : graph.catalog().plans().values()) {
      for (ColumnLineage entry : plan.lineage()) {
        for (ColumnLineage.Origin origin : entry.origins()) {
          if (!indirect && origin.type() == ColumnLineage.Type.INDIRECT) {
            continue;
          }
          readers
              .computeIfAbsent(
                  new ColumnRef(origin.dataset(), origin.column()), key -> new ArrayList<>())
              .add(Map.entry(new ColumnRef(plan.output(), entry.column()), origin));
        }
      }
    }
    queue.add(start);
    Set<ColumnRef> seenDownstream = new TreeSet<>(List.of(start));
    while (!queue.isEmpty() && !limited) {
      ColumnRef column = queue.poll();
      for (var reader : readers.getOrDefault(column, List.of())) {
        ColumnRef to = reader.getKey();
        addEdge(edges, column, to, reader.getValue());
        if (seenDownstream.add(to)) {
          distance.putIfAbsent(to, (distance.get(column) > 0 ? distance.get(column) : 0) + 1);
          queue.add(to);
          limited = distance.size() > maxNodes;
        }
      }
    }
    if (limited) {
      return new View(start.id(), List.of(), List.of(), true);
    }
    List<ColumnNode> nodes = new ArrayList<>();
    distance.forEach(
        (column, away) -> {
          TaskName producer = graph.producer(column.dataset());
          String kind =
              graph
                  .dataset(column.dataset())
                  .map(GraphNode::kind)
                  .orElse(GraphNode.Kind.MISSING)
                  .wireName();
          nodes.add(
              new ColumnNode(
                  column.id(),
                  column.dataset().value(),
                  column.column(),
                  kind,
                  producer == null ? null : producer.value(),
                  away));
        });
    nodes.sort(Comparator.comparingInt(ColumnNode::distance).thenComparing(ColumnNode::id));
    List<ColumnEdge> kept =
        edges.values().stream()
            .filter(edge -> isNode(nodes, edge.source()) && isNode(nodes, edge.target()))
            .toList();
    return new View(start.id(), nodes, kept, false);
  }

  /** The cytoscape nodes of a view, each column of distance d in column d, sorted by name. */
  public static List<GraphLayout.Node> positioned(View view) {
    Map<Integer, List<ColumnNode>> byDistance = new TreeMap<>();
    view.nodes()
        .forEach(
            node -> byDistance.computeIfAbsent(node.distance(), d -> new ArrayList<>()).add(node));
    List<GraphLayout.Node> result = new ArrayList<>();
    byDistance.forEach(
        (away, members) -> {
          double offset = (members.size() - 1) * GraphLayout.ROW_HEIGHT / 2.0;
          for (int row = 0; row < members.size(); row++) {
            ColumnNode node = members.get(row);
            result.add(
                new GraphLayout.Node(
                    node.id(),
                    node.id(),
                    node.kind(),
                    "",
                    "",
                    "",
                    away == 0,
                    away * GraphLayout.COLUMN_WIDTH,
                    row * GraphLayout.ROW_HEIGHT - offset));
          }
        });
    return result;
  }

  /** The columns a dataset has: a task output's schema, or a source contract's columns. */
  static List<String> columnsOf(TaskGraph graph, DatasetName dataset) {
    TaskName producer = graph.producer(dataset);
    if (producer != null && graph.plan(producer) != null) {
      return graph.plan(producer).outputSchema().fields().stream()
          .map(field -> field.name())
          .toList();
    }
    var contract = graph.catalog().sources().get(dataset);
    if (contract == null) {
      return List.of();
    }
    return contract.schema().fields().stream().map(field -> field.name()).toList();
  }

  private static boolean isNode(List<ColumnNode> nodes, String id) {
    return nodes.stream().anyMatch(node -> node.id().equals(id));
  }

  private static void addEdge(
      Map<String, ColumnEdge> edges, ColumnRef from, ColumnRef to, ColumnLineage.Origin origin) {
    String id = "lineage:" + from.id() + "->" + to.id() + ":" + origin.subtype();
    edges.putIfAbsent(
        id,
        new ColumnEdge(
            id,
            from.id(),
            to.id(),
            origin.type().name().toLowerCase(Locale.ROOT),
            origin.subtype().name().toLowerCase(Locale.ROOT)));
  }
}
