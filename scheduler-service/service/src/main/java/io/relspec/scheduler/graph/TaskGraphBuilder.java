package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.platform.graph.DependencyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.graph.DefaultGraphSpecificsStrategy;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * One build of a {@link TaskGraph}: edges from each plan's inputs to their producers, the
 * topological order and generations, and every diagnostic (compile failures, datasets with two
 * producers or none, cycles, edges whose columns or types do not fit, unread outputs), blocking the
 * tasks they are about and everything downstream. The task-to-task map it sorts by ({@link
 * #parents}) exists only while building: the DAG takes its vertices in topological order, so the
 * order has to be known before the graph is.
 */
final class TaskGraphBuilder {
  final PlanCatalog catalog;
  // Hash maps for the lookups of the build (the catalog's own maps are sorted trees).
  final Map<TaskName, PlanArtifact> plans;
  final Map<DatasetName, DatasetContract> sources;
  // Multiple edges allowed: the build never adds an edge twice (inputs are distinct), so the
  // duplicate check and the (vertex, vertex) → edge index behind it are pure cost; without the
  // index a 100,000-task graph allocates far less.
  final DirectedAcyclicGraph<GraphNode, GraphEdge> graph =
      new DirectedAcyclicGraph<>(null, null, false, true, new DefaultGraphSpecificsStrategy<>());
  final List<TaskName> order;
  final Map<TaskName, Integer> generation;
  final Map<DatasetName, GraphNode> datasets;
  final Map<TaskName, List<TaskName>> parents;
  final Map<DatasetName, List<TaskName>> producers;
  final Map<DatasetName, TaskName> firstProducer;
  final Map<TaskName, BlockedReason> blocked = new LinkedHashMap<>();
  final List<GraphDiagnostic> diagnostics = new ArrayList<>();
  private final GraphValidator validator = new GraphValidator(this);

  TaskGraphBuilder(PlanCatalog catalog) {
    this.catalog = catalog;
    this.plans = new HashMap<>(catalog.plans());
    this.sources = new HashMap<>(catalog.sources());
    int tasks = catalog.plans().size();
    this.order = new ArrayList<>(tasks);
    this.generation = HashMap.newHashMap(tasks);
    this.datasets = HashMap.newHashMap(tasks + catalog.sources().size());
    this.parents = HashMap.newHashMap(tasks);
    this.producers = HashMap.newHashMap(tasks);
    this.firstProducer = HashMap.newHashMap(tasks);
  }

  TaskGraphBuilder build() {
    catalog
        .plans()
        .forEach(
            (task, plan) ->
                producers.computeIfAbsent(plan.output(), ignored -> new ArrayList<>(1)).add(task));
    producers.forEach((dataset, tasks) -> firstProducer.put(dataset, tasks.get(0)));
    validator.compileFailures();
    validator.multipleProducers();
    Set<DatasetName> missing = validator.missingSources();
    catalog.plans().forEach((task, plan) -> parents.put(task, upstreamOf(plan.logicalInputs())));
    sortAndLayOut(missing);
    validator.edgeColumns();
    validator.warnings();
    validator.propagateBlocked();
    return this;
  }

  List<TaskName> upstreamOf(List<DatasetName> inputs) {
    List<TaskName> upstream = new ArrayList<>(inputs.size());
    for (DatasetName input : inputs) {
      for (TaskName producer : producers.getOrDefault(input, List.of())) {
        if (!upstream.contains(producer)) {
          upstream.add(producer);
        }
      }
    }
    upstream.sort(Comparator.naturalOrder());
    return upstream;
  }

  /**
   * The dependency order ({@link DependencyOrder}, ready tasks by priority, then name) and the
   * generations; what is left over sits on or behind a cycle. Vertices then enter the DAG in that
   * order.
   */
  private void sortAndLayOut(Set<DatasetName> missing) {
    DependencyOrder.Sorted<TaskName> sorted =
        DependencyOrder.sort(
            catalog.plans().keySet(),
            parents::get,
            Comparator.comparingInt((TaskName task) -> plans.get(task).priority())
                .thenComparing(Comparator.naturalOrder()));
    order.addAll(sorted.order());
    for (TaskName task : order) {
      int level = 0;
      for (TaskName parent : parents.get(task)) {
        level = Math.max(level, generation.get(parent) + 1);
      }
      generation.put(task, level);
    }
    List<TaskName> leftover = sorted.leftover();
    if (!leftover.isEmpty()) {
      validator.reportCycles(leftover);
    }

    catalog.sources().keySet().forEach(this::addDataset);
    missing.forEach(dataset -> addDataset(dataset));
    List<TaskName> layout = new ArrayList<>(order);
    layout.addAll(leftover);
    for (TaskName task : layout) {
      PlanArtifact plan = plans.get(task);
      GraphNode taskNode = new GraphNode(GraphNode.Kind.TASK, task.value());
      graph.addVertex(taskNode);
      GraphNode output = addDataset(plan.output());
      addEdge(new GraphEdge(GraphEdge.Kind.WRITES, taskNode, output, null));
    }
    for (TaskName task : layout) {
      PlanArtifact plan = plans.get(task);
      GraphNode taskNode = new GraphNode(GraphNode.Kind.TASK, task.value());
      for (DatasetName input : plan.logicalInputs()) {
        addEdge(
            new GraphEdge(
                GraphEdge.Kind.READS,
                addDataset(input),
                taskNode,
                plan.requiredColumns().getOrDefault(input, List.of())));
      }
    }
  }

  private static GraphNode.Kind datasetKind(PlanArtifact plan) {
    return plan.kind() == TaskKind.VIEW ? GraphNode.Kind.VIEW : GraphNode.Kind.DERIVED;
  }

  GraphNode datasetNode(DatasetName dataset) {
    if (sources.containsKey(dataset)) {
      return new GraphNode(GraphNode.Kind.SOURCE, dataset.value());
    }
    TaskName producer = firstProducer.get(dataset);
    if (producer != null) {
      return new GraphNode(datasetKind(plans.get(producer)), dataset.value());
    }
    return new GraphNode(GraphNode.Kind.MISSING, dataset.value());
  }

  GraphNode addDataset(DatasetName dataset) {
    GraphNode node = datasets.get(dataset);
    if (node == null) {
      node = datasetNode(dataset);
      datasets.put(dataset, node);
      graph.addVertex(node);
    }
    return node;
  }

  void addEdge(GraphEdge edge) {
    try {
      graph.addEdge(edge.from(), edge.to(), edge);
    } catch (IllegalArgumentException cycle) {
      // Already reported: the Kahn sort found the cycle with its path.
    }
  }
}
