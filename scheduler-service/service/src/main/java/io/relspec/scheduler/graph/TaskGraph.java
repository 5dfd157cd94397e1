package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graphs;
import org.jgrapht.alg.cycle.CycleDetector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedAcyclicGraph;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * Task dependencies inferred from the plans: an edge producer → consumer for every input dataset a
 * task reads that another task writes. Built on a {@link DirectedAcyclicGraph}, which refuses a
 * cycle-forming edge; a cycle is reported with its path.
 */
public final class TaskGraph {
  private final DirectedAcyclicGraph<TaskName, DefaultEdge> graph;
  private final Map<DatasetName, TaskName> producers;
  private final Map<TaskName, PlanArtifact> plans;

  private TaskGraph(
      DirectedAcyclicGraph<TaskName, DefaultEdge> graph,
      Map<DatasetName, TaskName> producers,
      Map<TaskName, PlanArtifact> plans) {
    this.graph = graph;
    this.producers = producers;
    this.plans = plans;
  }

  public static TaskGraph build(PlanCatalog catalog) throws CycleException {
    Map<DatasetName, TaskName> producers = new HashMap<>();
    catalog.plans().forEach((task, plan) -> producers.put(plan.output(), task));
    DirectedAcyclicGraph<TaskName, DefaultEdge> graph =
        new DirectedAcyclicGraph<>(DefaultEdge.class);
    catalog.plans().keySet().forEach(graph::addVertex);
    for (PlanArtifact plan : catalog.plans().values()) {
      for (DatasetName input : plan.logicalInputs()) {
        TaskName producer = producers.get(input);
        if (producer == null) {
          continue;
        }
        try {
          graph.addEdge(producer, plan.task());
        } catch (IllegalArgumentException cycle) {
          throw new CycleException(cyclePath(catalog, producers));
        }
      }
    }
    return new TaskGraph(graph, producers, catalog.plans());
  }

  /** Tasks in dependency order; ties broken by priority (lower first), then name. */
  public List<TaskName> topologicalOrder() {
    Comparator<TaskName> tieBreak =
        Comparator.<TaskName>comparingInt(task -> plans.get(task).priority())
            .thenComparing(Comparator.naturalOrder());
    List<TaskName> order = new ArrayList<>();
    new TopologicalOrderIterator<>(graph, tieBreak).forEachRemaining(order::add);
    return order;
  }

  public Set<TaskName> upstreamTasks(TaskName task) {
    return new TreeSet<>(Graphs.predecessorListOf(graph, task));
  }

  public Set<TaskName> ancestors(TaskName task) {
    return new TreeSet<>(graph.getAncestors(task));
  }

  public Set<TaskName> descendants(TaskName task) {
    return new TreeSet<>(graph.getDescendants(task));
  }

  public TaskName producer(DatasetName dataset) {
    return producers.get(dataset);
  }

  public PlanArtifact plan(TaskName task) {
    return plans.get(task);
  }

  /** A dependency cycle, with the tasks on it in order. */
  public static final class CycleException extends Exception {
    private final List<TaskName> path;

    CycleException(List<TaskName> path) {
      super(
          "dependency cycle: " + String.join(" -> ", path.stream().map(TaskName::value).toList()));
      this.path = List.copyOf(path);
    }

    public List<TaskName> path() {
      return path;
    }
  }

  private static List<TaskName> cyclePath(
      PlanCatalog catalog, Map<DatasetName, TaskName> producers) {
    DefaultDirectedGraph<TaskName, DefaultEdge> full =
        new DefaultDirectedGraph<>(DefaultEdge.class);
    catalog.plans().keySet().forEach(full::addVertex);
    catalog
        .plans()
        .values()
        .forEach(
            plan ->
                plan.logicalInputs().stream()
                    .map(producers::get)
                    .filter(java.util.Objects::nonNull)
                    .forEach(producer -> full.addEdge(producer, plan.task())));
    Set<TaskName> onCycle = new TreeSet<>(new CycleDetector<>(full).findCycles());
    TaskName start = onCycle.iterator().next();
    List<TaskName> path = new ArrayList<>(List.of(start));
    TaskName current = start;
    do {
      TaskName from = current;
      current =
          Graphs.successorListOf(full, from).stream()
              .filter(onCycle::contains)
              .sorted()
              .findFirst()
              .orElseThrow();
      path.add(current);
    } while (!current.equals(start) && path.size() <= onCycle.size() + 1);
    return path;
  }
}
