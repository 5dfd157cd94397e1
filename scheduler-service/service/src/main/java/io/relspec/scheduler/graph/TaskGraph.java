package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * The inferred graph of one plan catalog: dataset vertices (sources, derived outputs, views, and
 * names read but defined nowhere), task vertices, {@code reads} edges carrying the columns and
 * types a task needs from a dataset, and {@code writes} edges to each task's output. Held in a
 * JGraphT {@link DirectedAcyclicGraph}.
 *
 * <p>Building never throws: every problem becomes a {@link GraphDiagnostic} (cycles with their
 * path, several producers of one dataset, a dataset read but defined nowhere, a required column
 * missing from or typed differently in its upstream schema, a task that did not compile) and a task
 * with an error is blocked, as is everything downstream of it.
 *
 * <p>Vertices are added in dependency order (a Kahn sort over the plans, ties broken by priority
 * then name), so the DAG never has to reorder itself and a graph of 100,000 tasks builds in well
 * under a second.
 */
public final class TaskGraph {
  /** See {@link #physicalInputPositions}: the input is not produced by any task. */
  public static final int NO_PRODUCER = -1;

  /** See {@link #physicalInputPositions}: the producer is not in the topological order. */
  public static final int UNORDERED = -2;

  private final String planCatalogId;
  private final PlanCatalog catalog;
  private final Map<TaskName, PlanArtifact> plans;
  private final DirectedAcyclicGraph<GraphNode, GraphEdge> graph;
  private final List<TaskName> order;
  private final Map<TaskName, Integer> generation;
  private final Map<TaskName, List<TaskName>> parents;
  private final Map<TaskName, List<TaskName>> children;
  private final Map<TaskName, List<TaskName>> physicalParents;
  private final Map<TaskName, List<TaskName>> physicalChildren;
  private final Map<DatasetName, TaskName> producers;
  private final Map<TaskName, BlockedReason> blocked;
  private final List<GraphDiagnostic> diagnostics;
  // Position-indexed views of the order for planners that visit every task: no hash lookups.
  private final PlanArtifact[] plansInOrder;
  private final int[][] inputPositions;
  private volatile String signature;

  private TaskGraph(TaskGraphBuilder builder) {
    this.planCatalogId = builder.catalog.id();
    this.catalog = builder.catalog;
    this.plans = builder.plans;
    this.graph = builder.graph;
    this.order = List.copyOf(builder.order);
    this.generation = builder.generation;
    this.parents = builder.parents;
    this.children = builder.children;
    this.physicalParents = builder.physicalParents;
    this.physicalChildren = HashMap.newHashMap(physicalParents.size());
    physicalParents.forEach(
        (task, parents) -> {
          for (TaskName parent : parents) {
            physicalChildren.computeIfAbsent(parent, ignored -> new ArrayList<>(2)).add(task);
          }
        });
    physicalChildren.values().forEach(list -> list.sort(Comparator.naturalOrder()));
    this.producers = builder.firstProducer;
    this.blocked = builder.blocked;
    List<GraphDiagnostic> sorted = new ArrayList<>(builder.diagnostics);
    sorted.sort(
        Comparator.comparing(GraphDiagnostic::severity)
            .thenComparing(GraphDiagnostic::code)
            .thenComparing(d -> d.subject() == null ? "" : d.subject())
            .thenComparing(GraphDiagnostic::message));
    this.diagnostics = List.copyOf(sorted);
    int size = order.size();
    this.plansInOrder = new PlanArtifact[size];
    Map<TaskName, Integer> position = HashMap.newHashMap(size);
    for (int i = 0; i < size; i++) {
      plansInOrder[i] = plans.get(order.get(i));
      position.put(order.get(i), i);
    }
    this.inputPositions = new int[size][];
    for (int i = 0; i < size; i++) {
      List<DatasetName> inputs = plansInOrder[i].physicalInputs();
      int[] positions = new int[inputs.size()];
      for (int j = 0; j < positions.length; j++) {
        TaskName producer = producers.get(inputs.get(j));
        positions[j] = producer == null ? NO_PRODUCER : position.getOrDefault(producer, UNORDERED);
      }
      inputPositions[i] = positions;
    }
  }

  /** Builds the graph of a plan catalog and validates it. */
  public static TaskGraph build(PlanCatalog catalog) {
    return new TaskGraph(new TaskGraphBuilder(catalog).build());
  }

  public String planCatalogId() {
    return planCatalogId;
  }

  public PlanCatalog catalog() {
    return catalog;
  }

  /** The JGraphT graph itself (read only by convention). */
  public DirectedAcyclicGraph<GraphNode, GraphEdge> graph() {
    return graph;
  }

  /** Every compiled task in dependency order; ties broken by priority (lower first), then name. */
  public List<TaskName> topologicalOrder() {
    return order;
  }

  /** The plan of {@code topologicalOrder().get(position)}. */
  public PlanArtifact planAt(int position) {
    return plansInOrder[position];
  }

  /**
   * For the task at a position of {@link #topologicalOrder()}, the position of the producer of each
   * of its plan's physical inputs, in input order: {@link #NO_PRODUCER} for a source (or a dataset
   * no task produces) and {@link #UNORDERED} for a producer outside the order (on a cycle). The
   * array is shared: do not modify it.
   */
  public int[] physicalInputPositions(int position) {
    return inputPositions[position];
  }

  public PlanArtifact plan(TaskName task) {
    return plans.get(task);
  }

  /** The task producing a dataset, or null for a source or an unknown dataset. */
  public TaskName producer(DatasetName dataset) {
    return producers.get(dataset);
  }

  /** Tasks whose outputs this task reads (views included). */
  public List<TaskName> upstreamTasks(TaskName task) {
    return parents.getOrDefault(task, List.of());
  }

  /** Tasks this task depends on once views are inlined: the ones that must have run first. */
  public List<TaskName> physicalUpstreamTasks(TaskName task) {
    return physicalParents.getOrDefault(task, List.of());
  }

  /** Tasks that must wait for this one once views are inlined: the ones it may make runnable. */
  public List<TaskName> physicalDownstreamTasks(TaskName task) {
    return physicalChildren.getOrDefault(task, List.of());
  }

  public List<TaskName> downstreamTasks(TaskName task) {
    return children.getOrDefault(task, List.of());
  }

  public Set<TaskName> ancestors(TaskName task) {
    return walk(task, parents);
  }

  public Set<TaskName> descendants(TaskName task) {
    return walk(task, children);
  }

  /** 0 for a task reading only sources; otherwise one more than its deepest upstream task. */
  public int generation(TaskName task) {
    return generation.getOrDefault(task, -1);
  }

  /** Tasks grouped by generation, each group sorted by name. Tasks on a cycle have none. */
  public List<List<TaskName>> generations() {
    Map<Integer, List<TaskName>> byGeneration = new TreeMap<>();
    generation.forEach(
        (task, level) ->
            byGeneration.computeIfAbsent(level, ignored -> new ArrayList<>()).add(task));
    List<List<TaskName>> result = new ArrayList<>();
    byGeneration.values().forEach(tasks -> result.add(tasks.stream().sorted().toList()));
    return result;
  }

  /** Why a task cannot run ({@code CODE: message}), or empty when it can. */
  public Optional<BlockedReason> blockedBy(TaskName task) {
    return Optional.ofNullable(blocked.get(task));
  }

  public Map<TaskName, BlockedReason> blocked() {
    return Collections.unmodifiableMap(blocked);
  }

  /** Errors first, then warnings; each group by code and subject. */
  public List<GraphDiagnostic> diagnostics() {
    return diagnostics;
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(GraphDiagnostic::isError);
  }

  public Optional<GraphNode> dataset(DatasetName name) {
    for (GraphNode.Kind kind :
        List.of(
            GraphNode.Kind.SOURCE,
            GraphNode.Kind.DERIVED,
            GraphNode.Kind.VIEW,
            GraphNode.Kind.MISSING)) {
      GraphNode node = new GraphNode(kind, name.value());
      if (graph.containsVertex(node)) {
        return Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /** Everything downstream of a dataset, sorted. */
  public Set<GraphNode> impact(GraphNode dataset) {
    return new TreeSet<>(graph.getDescendants(dataset));
  }

  /** Everything upstream of a dataset, sorted. */
  public Set<GraphNode> provenance(GraphNode dataset) {
    return new TreeSet<>(graph.getAncestors(dataset));
  }

  /**
   * SHA-256 over the sorted vertex and edge lines (kinds, names, required columns and types):
   * identical for the same catalog on every run and JVM.
   */
  public String signature() {
    String computed = signature;
    if (computed == null) {
      computed = GraphSignature.of(graph);
      signature = computed;
    }
    return computed;
  }

  /**
   * The longest chain of tasks by estimated duration (views weigh nothing; a task without an
   * estimate weighs {@code defaultMillis}). Ties go to the chain ending in the smaller task name.
   */
  public CriticalPath criticalPath(Map<TaskName, Long> estimatedMillis, long defaultMillis) {
    return CriticalPath.of(this, estimatedMillis, defaultMillis);
  }

  private static Set<TaskName> walk(TaskName start, Map<TaskName, List<TaskName>> next) {
    Set<TaskName> seen = new TreeSet<>();
    ArrayDeque<TaskName> queue = new ArrayDeque<>(next.getOrDefault(start, List.of()));
    while (!queue.isEmpty()) {
      TaskName task = queue.poll();
      if (seen.add(task)) {
        queue.addAll(next.getOrDefault(task, List.of()));
      }
    }
    return seen;
  }
}
