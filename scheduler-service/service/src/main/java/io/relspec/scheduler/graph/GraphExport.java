package io.relspec.scheduler.graph;

import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.model.TaskName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The task graph as JSON-ready records, Graphviz DOT or a Mermaid flowchart; sorted output. */
public final class GraphExport {
  private GraphExport() {}

  public record GraphView(
      String planCatalogId,
      String snapshotId,
      String signature,
      List<NodeView> nodes,
      List<EdgeView> edges,
      List<GraphDiagnostic> diagnostics) {}

  /**
   * @param generation a task's generation (null for datasets and tasks on a cycle)
   * @param blockedBy why a task cannot run, when it cannot
   */
  public record NodeView(
      String id, String kind, String name, Integer generation, String blockedBy) {}

  public record EdgeView(String kind, String from, String to, List<RequiredColumn> columns) {}

  public static GraphView json(TaskGraph graph) {
    List<NodeView> nodes = new ArrayList<>();
    for (GraphNode node : sortedNodes(graph)) {
      boolean task = node.kind() == GraphNode.Kind.TASK;
      TaskName name = task ? TaskName.of(node.name()) : null;
      nodes.add(
          new NodeView(
              node.id(),
              node.kind().wireName(),
              node.name(),
              task && graph.generation(name) >= 0 ? graph.generation(name) : null,
              task ? graph.blockedBy(name).map(Object::toString).orElse(null) : null));
    }
    List<EdgeView> edges =
        sortedEdges(graph).stream()
            .map(
                edge ->
                    new EdgeView(
                        edge.kind().name().toLowerCase(java.util.Locale.ROOT),
                        edge.from().id(),
                        edge.to().id(),
                        edge.columns().stream().sorted().toList()))
            .toList();
    return new GraphView(
        graph.planCatalogId(),
        graph.catalog().snapshotId(),
        graph.signature(),
        nodes,
        edges,
        graph.diagnostics());
  }

  public static String dot(TaskGraph graph) {
    StringBuilder out = new StringBuilder("digraph relspec {\n  rankdir=LR;\n");
    out.append("  // plan catalog ").append(graph.planCatalogId()).append('\n');
    for (GraphNode node : sortedNodes(graph)) {
      out.append("  ")
          .append(quote(node.id()))
          .append(" [label=")
          .append(quote(node.name()))
          .append(", shape=")
          .append(
              switch (node.kind()) {
                case SOURCE -> "cylinder";
                case DERIVED -> "box";
                case VIEW -> "box, style=dashed";
                case MISSING -> "box, style=dotted, color=red";
                case TASK -> "ellipse";
              });
      if (node.kind() == GraphNode.Kind.TASK
          && graph.blockedBy(TaskName.of(node.name())).isPresent()) {
        out.append(", color=red");
      }
      out.append("];\n");
    }
    for (GraphEdge edge : sortedEdges(graph)) {
      out.append("  ").append(quote(edge.from().id())).append(" -> ").append(quote(edge.to().id()));
      if (edge.kind() == GraphEdge.Kind.READS && !edge.columns().isEmpty()) {
        out.append(" [label=")
            .append(
                quote(
                    String.join(
                        ", ", edge.columns().stream().sorted().map(RequiredColumn::name).toList())))
            .append(']');
      }
      out.append(";\n");
    }
    return out.append("}\n").toString();
  }

  public static String mermaid(TaskGraph graph) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    Map<GraphNode, String> ids = new HashMap<>();
    List<GraphNode> nodes = sortedNodes(graph);
    for (int i = 0; i < nodes.size(); i++) {
      GraphNode node = nodes.get(i);
      String id = (node.kind() == GraphNode.Kind.TASK ? "t" : "d") + i;
      ids.put(node, id);
      String label = "\"" + node.name().replace("\"", "#quot;") + "\"";
      out.append("  ")
          .append(id)
          .append(
              switch (node.kind()) {
                case SOURCE -> "[(" + label + ")]";
                case DERIVED -> "[" + label + "]";
                case VIEW -> "[/" + label + "/]";
                case MISSING -> "[\\" + label + "\\]";
                case TASK -> "(" + label + ")";
              })
          .append('\n');
    }
    for (GraphEdge edge : sortedEdges(graph)) {
      out.append("  ")
          .append(ids.get(edge.from()))
          .append(edge.kind() == GraphEdge.Kind.READS ? " --> " : " ==> ")
          .append(ids.get(edge.to()))
          .append('\n');
    }
    List<String> blocked = new ArrayList<>();
    for (GraphNode node : nodes) {
      if (node.kind() == GraphNode.Kind.MISSING
          || (node.kind() == GraphNode.Kind.TASK
              && graph.blockedBy(TaskName.of(node.name())).isPresent())) {
        blocked.add(ids.get(node));
      }
    }
    if (!blocked.isEmpty()) {
      out.append("  classDef blocked stroke:#d00,stroke-width:2px\n");
      out.append("  class ").append(String.join(",", blocked)).append(" blocked\n");
    }
    return out.toString();
  }

  private static List<GraphNode> sortedNodes(TaskGraph graph) {
    List<GraphNode> nodes = new ArrayList<>(graph.graph().vertexSet());
    nodes.sort(Comparator.naturalOrder());
    return nodes;
  }

  private static List<GraphEdge> sortedEdges(TaskGraph graph) {
    List<GraphEdge> edges = new ArrayList<>(graph.graph().edgeSet());
    edges.sort(
        Comparator.comparing((GraphEdge edge) -> edge.from().id())
            .thenComparing(edge -> edge.to().id())
            .thenComparing(GraphEdge::kind));
    return edges;
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
