package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
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
 * JGraphT {@link DirectedAcyclicGraph}, the one representation: the task-to-task relations (what a
 * task reads from, what it may make runnable) are read from it, and the {@link PlanningIndex} lays
 * the same order out by position for planners.
 *
 * <p>Building never throws: every problem becomes a {@link GraphDiagnostic} (cycles with their
 * path, several producers of one dataset, a dataset read but defined nowhere, a required column
 * missing from or typed differently in its upstream schema, a task that did not compile) and a task
 * with an error is blocked, as is everything downstream of it. The edge that would close a cycle is
 * not in the graph (a DAG cannot hold it); the cycle's diagnostic names the whole path.
 *
 * <p>Vertices are added in dependency order (a Kahn sort over the plans, ties broken by priority
 * then name), so the DAG never has to reorder itself and a graph of 100,000 tasks builds in well
 * under a second.
 */
public final class TaskGraph {
  private final String planCatalogId;
  private final PlanCatalog catalog;
  private final Map<TaskName, PlanArtifact> plans;
  private final DirectedAcyclicGraph<GraphNode, GraphEdge> graph;
  // Each dataset's vertex by name: its kind (source, derived, view, missing) is part of the vertex.
  private final Map<DatasetName, GraphNode> datasets;
  private final List<TaskName> order;
  private final Map<TaskName, Integer> generation;
  private final Map<DatasetName, TaskName> producers;
  private final Map<TaskName, BlockedReason> blocked;
  private final List<GraphDiagnostic> diagnostics;
  private final PlanningIndex planning;
  private volatile String signature;

  private TaskGraph(TaskGraphBuilder builder) {
    this.planCatalogId = builder.catalog.id();
    this.catalog = builder.catalog;
    this.plans = builder.plans;
    this.graph = builder.graph;
    this.datasets = builder.datasets;
    this.order = List.copyOf(builder.order);
    this.generation = builder.generation;
    this.producers = builder.firstProducer;
    this.blocked = builder.blocked;
    List<GraphDiagnostic> sorted = new ArrayList<>(builder.diagnostics);
    sorted.sort(
        Comparator.comparing(GraphDiagnostic::severity)
            .thenComparing(GraphDiagnostic::code)
            .thenComparing(d -> d.subject() == null ? "" : d.subject())
            .thenComparing(GraphDiagnostic::message));
    this.diagnostics = List.copyOf(sorted);
    this.planning = new PlanningIndex(order, plans, producers::get);
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

  /** The topological order laid out by position, for planners that visit every task. */
  public PlanningIndex planning() {
    return planning;
  }

  public PlanArtifact plan(TaskName task) {
    return plans.get(task);
  }

  /** The task producing a dataset, or null for a source or an unknown dataset. */
  public TaskName producer(DatasetName dataset) {
    return producers.get(dataset);
  }

  /** Tasks whose outputs this task reads (views included), sorted by name. */
  public List<TaskName> upstreamTasks(TaskName task) {
    GraphNode node = taskNode(task);
    if (node == null) {
      return List.of();
    }
    Set<TaskName> upstream = new TreeSet<>();
    for (GraphEdge read : graph.incomingEdgesOf(node)) {
      writersOf(read.from(), upstream);
    }
    return List.copyOf(upstream);
  }

  /** Tasks reading this task's output (views included), sorted by name. */
  public List<TaskName> downstreamTasks(TaskName task) {
    GraphNode node = taskNode(task);
    if (node == null) {
      return List.of();
    }
    Set<TaskName> downstream = new TreeSet<>();
    for (GraphEdge write : graph.outgoingEdgesOf(node)) {
      readersOf(write.to(), downstream);
    }
    return List.copyOf(downstream);
  }

  /**
   * Tasks this task depends on once views are inlined, the ones that must have run first: the
   * producers of its plan's physical inputs, sorted by name.
   */
  public List<TaskName> physicalUpstreamTasks(TaskName task) {
    PlanArtifact plan = plans.get(task);
    if (plan == null) {
      return List.of();
    }
    Set<TaskName> upstream = new TreeSet<>();
    for (DatasetName input : plan.physicalInputs()) {
      GraphNode dataset = datasets.get(input);
      if (dataset != null) {
        writersOf(dataset, upstream);
      }
    }
    return List.copyOf(upstream);
  }

  /**
   * Tasks that must wait for this one once views are inlined, the ones it may make runnable: the
   * readers of its output, and through each view on the way the view's readers, that list the
   * output among their plan's physical inputs; sorted by name.
   */
  public List<TaskName> physicalDownstreamTasks(TaskName task) {
    PlanArtifact plan = plans.get(task);
    if (plan == null) {
      return List.of();
    }
    DatasetName output = plan.output();
    Set<TaskName> downstream = new TreeSet<>();
    Set<GraphNode> seen = new HashSet<>();
    ArrayDeque<GraphNode> through = new ArrayDeque<>();
    through.add(datasets.get(output));
    while (!through.isEmpty()) {
      for (GraphEdge read : graph.outgoingEdgesOf(through.poll())) {
        TaskName reader = TaskName.of(read.to().name());
        PlanArtifact readerPlan = plans.get(reader);
        if (readerPlan.physicalInputs().contains(output)) {
          downstream.add(reader);
        }
        GraphNode view = datasets.get(readerPlan.output());
        if (readerPlan.kind() == TaskKind.VIEW && seen.add(view)) {
          through.add(view);
        }
      }
    }
    return List.copyOf(downstream);
  }

  /** Every task upstream of this one, sorted by name. */
  public Set<TaskName> ancestors(TaskName task) {
    GraphNode node = taskNode(task);
    return node == null ? new TreeSet<>() : tasksAmong(graph.getAncestors(node));
  }

  /** Every task downstream of this one, sorted by name. */
  public Set<TaskName> descendants(TaskName task) {
    GraphNode node = taskNode(task);
    return node == null ? new TreeSet<>() : tasksAmong(graph.getDescendants(node));
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
    return Optional.ofNullable(datasets.get(name));
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

  private GraphNode taskNode(TaskName task) {
    return plans.containsKey(task) ? new GraphNode(GraphNode.Kind.TASK, task.value()) : null;
  }

  private void writersOf(GraphNode dataset, Set<TaskName> into) {
    for (GraphEdge write : graph.incomingEdgesOf(dataset)) {
      into.add(TaskName.of(write.from().name()));
    }
  }

  private void readersOf(GraphNode dataset, Set<TaskName> into) {
    for (GraphEdge read : graph.outgoingEdgesOf(dataset)) {
      into.add(TaskName.of(read.to().name()));
    }
  }

  private static Set<TaskName> tasksAmong(Set<GraphNode> nodes) {
    Set<TaskName> tasks = new TreeSet<>();
    for (GraphNode node : nodes) {
      if (node.kind() == GraphNode.Kind.TASK) {
        tasks.add(TaskName.of(node.name()));
      }
    }
    return tasks;
  }
}
