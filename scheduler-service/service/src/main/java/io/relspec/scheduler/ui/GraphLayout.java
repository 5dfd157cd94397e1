package io.relspec.scheduler.ui;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.scheduler.graph.GraphEdge;
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
 * The graph page's elements: which nodes and edges to show for a filter or a focus, and where each
 * goes. Positions come from the graph's generations, computed here rather than by a layout library
 * in the browser: column 0 holds sources, a task of generation g sits in column 2g+1 and its output
 * in column 2g+2, and each column is sorted by name. The same graph always gives the same picture.
 */
public final class GraphLayout {
  static final int COLUMN_WIDTH = 240;
  static final int ROW_HEIGHT = 54;

  /** Most focus depth accepted: deeper asks for the whole reach. */
  public static final int MAX_DEPTH = 50;

  private GraphLayout() {}

  /** Upstream, downstream or both, from a focused node. */
  public enum Direction {
    UP,
    DOWN,
    BOTH;

    public static Direction parse(String text) {
      if (text == null || text.isBlank()) {
        return BOTH;
      }
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "up", "upstream" -> UP;
        case "down", "downstream" -> DOWN;
        case "both" -> BOTH;
        default ->
            throw new IllegalArgumentException(
                "direction must be up, down or both, got '" + text + "'");
      };
    }
  }

  /**
   * What to show.
   *
   * @param filter a case-insensitive part of a name; empty shows all
   * @param domain a task domain; empty shows all
   * @param focus a node id ({@code task:x} or {@code dataset:x}); null shows no focus
   * @param depth how many tasks away from the focus to go
   */
  public record Query(String filter, String domain, String focus, Direction direction, int depth) {
    public Query {
      filter = filter == null ? "" : filter.strip();
      domain = domain == null ? "" : domain.strip();
      focus = focus == null || focus.isBlank() ? null : focus.strip();
      direction = direction == null ? Direction.BOTH : direction;
      if (depth < 1 || depth > MAX_DEPTH) {
        throw new IllegalArgumentException("depth must be 1 to " + MAX_DEPTH + ", got " + depth);
      }
    }
  }

  /** One cytoscape element's data. */
  public record Node(
      String id,
      String label,
      String kind,
      String taskKind,
      String state,
      String domain,
      boolean focused,
      double x,
      double y) {}

  public record Edge(String id, String source, String target, String kind, String columns) {}

  /**
   * @param total nodes in the whole graph
   * @param matched nodes the query selected
   * @param limited true when {@code matched} exceeded the page's bound and nothing is drawn
   */
  public record View(
      String planCatalogId,
      int total,
      int matched,
      boolean limited,
      int maxNodes,
      List<Node> nodes,
      List<Edge> edges,
      List<String> domains) {}

  public static View of(
      TaskGraph graph, Map<TaskName, TaskRunState> lastStates, Query query, int maxNodes) {
    Set<GraphNode> all = graph.graph().vertexSet();
    Set<GraphNode> selected = select(graph, query);
    List<String> domains =
        graph.catalog().plans().values().stream()
            .map(PlanArtifact::domain)
            .filter(domain -> domain != null && !domain.isBlank())
            .distinct()
            .sorted()
            .toList();
    if (selected.size() > maxNodes) {
      return new View(
          graph.planCatalogId(),
          all.size(),
          selected.size(),
          true,
          maxNodes,
          List.of(),
          List.of(),
          domains);
    }
    Map<Integer, List<GraphNode>> columns = new TreeMap<>();
    for (GraphNode node : selected) {
      columns.computeIfAbsent(column(graph, node), ignored -> new ArrayList<>()).add(node);
    }
    List<Node> nodes = new ArrayList<>();
    columns.forEach(
        (column, members) -> {
          members.sort(Comparator.comparing(GraphNode::name).thenComparing(GraphNode::kind));
          double offset = (members.size() - 1) * ROW_HEIGHT / 2.0;
          for (int row = 0; row < members.size(); row++) {
            nodes.add(
                node(
                    graph,
                    lastStates,
                    members.get(row),
                    query,
                    column * COLUMN_WIDTH,
                    row * ROW_HEIGHT - offset));
          }
        });
    nodes.sort(Comparator.comparing(Node::id));
    List<Edge> edges = new ArrayList<>();
    List<GraphEdge> graphEdges = new ArrayList<>(graph.graph().edgeSet());
    graphEdges.sort(
        Comparator.comparing((GraphEdge edge) -> edge.from().id())
            .thenComparing(edge -> edge.to().id()));
    for (GraphEdge edge : graphEdges) {
      if (selected.contains(edge.from()) && selected.contains(edge.to())) {
        edges.add(
            new Edge(
                "edge:" + edge.from().id() + "->" + edge.to().id(),
                edge.from().id(),
                edge.to().id(),
                edge.kind().name().toLowerCase(Locale.ROOT),
                String.join(", ", edge.columns().stream().map(c -> c.name()).sorted().toList())));
      }
    }
    return new View(
        graph.planCatalogId(), all.size(), selected.size(), false, maxNodes, nodes, edges, domains);
  }

  /** Nodes whose name contains {@code text}, tasks first, at most {@code limit}. */
  public static List<GraphNode> search(TaskGraph graph, String text, int limit) {
    String needle = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return graph.graph().vertexSet().stream()
        .filter(node -> node.name().toLowerCase(Locale.ROOT).contains(needle))
        .sorted(
            Comparator.comparing((GraphNode node) -> node.kind() != GraphNode.Kind.TASK)
                .thenComparing(node -> node.name().length())
                .thenComparing(GraphNode::name))
        .limit(limit)
        .toList();
  }

  private static Set<GraphNode> select(TaskGraph graph, Query query) {
    Set<GraphNode> scope;
    if (query.focus() != null) {
      GraphNode focus = find(graph, query.focus());
      scope = reach(graph, focus, query.direction(), query.depth());
    } else {
      scope = new TreeSet<>(graph.graph().vertexSet());
    }
    if (query.filter().isEmpty() && query.domain().isEmpty()) {
      return scope;
    }
    String needle = query.filter().toLowerCase(Locale.ROOT);
    Set<GraphNode> kept = new TreeSet<>();
    for (GraphNode node : scope) {
      if (node.kind() != GraphNode.Kind.TASK) {
        continue;
      }
      PlanArtifact plan = graph.plan(TaskName.of(node.name()));
      boolean domainMatches =
          query.domain().isEmpty() || (plan != null && query.domain().equals(plan.domain()));
      boolean nameMatches =
          needle.isEmpty()
              || node.name().toLowerCase(Locale.ROOT).contains(needle)
              || (plan != null && plan.output().value().toLowerCase(Locale.ROOT).contains(needle));
      if (domainMatches && nameMatches) {
        kept.add(node);
        // A kept task brings the datasets it reads and writes, so its edges show.
        for (GraphEdge edge : graph.graph().edgesOf(node)) {
          GraphNode other = edge.from().equals(node) ? edge.to() : edge.from();
          if (scope.contains(other)) {
            kept.add(other);
          }
        }
      }
    }
    if (query.domain().isEmpty()) {
      for (GraphNode node : scope) {
        if (node.kind() != GraphNode.Kind.TASK
            && node.name().toLowerCase(Locale.ROOT).contains(needle)) {
          kept.add(node);
        }
      }
    }
    return kept;
  }

  /** The node a focus id names; an unknown id is a client error. */
  static GraphNode find(TaskGraph graph, String id) {
    if (id.startsWith("task:")) {
      GraphNode node = new GraphNode(GraphNode.Kind.TASK, id.substring("task:".length()));
      if (graph.graph().containsVertex(node)) {
        return node;
      }
    } else if (id.startsWith("dataset:")) {
      try {
        var found = graph.dataset(DatasetName.of(id.substring("dataset:".length())));
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IllegalArgumentException e) {
        // fall through to the error below
      }
    }
    throw new NoSuchElementException(
        "no node '" + id + "' in the graph: focus takes task:<name> or dataset:<name>");
  }

  /** Thrown for a focus on a node that does not exist. */
  public static final class NoSuchElementException extends RuntimeException {
    NoSuchElementException(String message) {
      super(message);
    }
  }

  /** Breadth-first from the focus; a step to a task counts one level of depth. */
  private static Set<GraphNode> reach(
      TaskGraph graph, GraphNode focus, Direction direction, int depth) {
    Set<GraphNode> result = new TreeSet<>();
    result.add(focus);
    if (direction != Direction.DOWN) {
      walk(graph, focus, depth, true, result);
    }
    if (direction != Direction.UP) {
      walk(graph, focus, depth, false, result);
    }
    return result;
  }

  private static void walk(
      TaskGraph graph, GraphNode start, int depth, boolean upstream, Set<GraphNode> into) {
    Map<GraphNode, Integer> levels = new HashMap<>();
    Deque<GraphNode> queue = new ArrayDeque<>();
    levels.put(start, 0);
    queue.add(start);
    while (!queue.isEmpty()) {
      GraphNode node = queue.poll();
      int level = levels.get(node);
      Set<GraphEdge> edges =
          upstream ? graph.graph().incomingEdgesOf(node) : graph.graph().outgoingEdgesOf(node);
      for (GraphEdge edge : edges) {
        GraphNode next = upstream ? edge.from() : edge.to();
        int nextLevel = next.kind() == GraphNode.Kind.TASK ? level + 1 : level;
        if (nextLevel > depth || levels.containsKey(next)) {
          continue;
        }
        levels.put(next, nextLevel);
        into.add(next);
        queue.add(next);
      }
    }
  }

  private static int column(TaskGraph graph, GraphNode node) {
    if (node.kind() == GraphNode.Kind.TASK) {
      int generation = graph.generation(TaskName.of(node.name()));
      return generation < 0 ? 1 : 2 * generation + 1;
    }
    TaskName producer = graph.producer(DatasetName.of(node.name()));
    if (producer == null) {
      return 0;
    }
    int generation = graph.generation(producer);
    return generation < 0 ? 2 : 2 * generation + 2;
  }

  private static Node node(
      TaskGraph graph,
      Map<TaskName, TaskRunState> lastStates,
      GraphNode node,
      Query query,
      double x,
      double y) {
    boolean focused = node.id().equals(query.focus());
    if (node.kind() == GraphNode.Kind.TASK) {
      TaskName task = TaskName.of(node.name());
      PlanArtifact plan = graph.plan(task);
      TaskRunState state = lastStates.get(task);
      String label = state == null ? "never run" : state.name().toLowerCase(Locale.ROOT);
      if (graph.blockedBy(task).isPresent()) {
        label = "blocked";
      }
      return new Node(
          node.id(),
          node.name(),
          "task",
          plan == null ? "compute" : plan.kind().name().toLowerCase(Locale.ROOT),
          label,
          plan == null || plan.domain() == null ? "" : plan.domain(),
          focused,
          x,
          y);
    }
    return new Node(node.id(), node.name(), node.kind().wireName(), "", "", "", focused, x, y);
  }
}
