package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jgrapht.graph.DefaultGraphSpecificsStrategy;
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

  private TaskGraph(Builder builder) {
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
    return new TaskGraph(new Builder(catalog).build());
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
      List<String> lines = new ArrayList<>(graph.vertexSet().size() + graph.edgeSet().size());
      graph.vertexSet().forEach(node -> lines.add("v " + node.kind().wireName() + " " + node.id()));
      graph.edgeSet().forEach(edge -> lines.add(edge.canonical()));
      Collections.sort(lines);
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String line : lines) {
          digest.update(line.getBytes(StandardCharsets.UTF_8));
          digest.update((byte) '\n');
        }
        computed = HexFormat.of().formatHex(digest.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      signature = computed;
    }
    return computed;
  }

  /**
   * The longest chain of tasks by estimated duration (views weigh nothing; a task without an
   * estimate weighs {@code defaultMillis}). Ties go to the chain ending in the smaller task name.
   */
  public CriticalPath criticalPath(Map<TaskName, Long> estimatedMillis, long defaultMillis) {
    Map<TaskName, Long> finish = new HashMap<>();
    Map<TaskName, TaskName> via = new HashMap<>();
    TaskName last = null;
    for (TaskName task : order) {
      PlanArtifact plan = plan(task);
      long own =
          plan.kind() == TaskKind.VIEW ? 0 : estimatedMillis.getOrDefault(task, defaultMillis);
      long start = 0;
      TaskName best = null;
      for (TaskName parent : upstreamTasks(task)) {
        long parentFinish = finish.getOrDefault(parent, 0L);
        if (best == null
            || parentFinish > start
            || (parentFinish == start && parent.compareTo(best) < 0)) {
          start = parentFinish;
          best = parent;
        }
      }
      finish.put(task, start + own);
      if (best != null) {
        via.put(task, best);
      }
      if (last == null
          || finish.get(task) > finish.get(last)
          || (finish.get(task).equals(finish.get(last)) && task.compareTo(last) < 0)) {
        last = task;
      }
    }
    List<TaskName> path = new ArrayList<>();
    for (TaskName at = last; at != null; at = via.get(at)) {
      path.add(at);
    }
    Collections.reverse(path);
    return new CriticalPath(path, last == null ? 0 : finish.get(last));
  }

  /** The tasks of the longest chain, first to last, and its estimated duration. */
  public record CriticalPath(List<TaskName> tasks, long estimatedMillis) {}

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

  /** A task whose inputs are all placed: lower priority first, then name. */
  private record Ready(int priority, TaskName task) implements Comparable<Ready> {
    @Override
    public int compareTo(Ready other) {
      int byPriority = Integer.compare(priority, other.priority);
      return byPriority != 0 ? byPriority : task.compareTo(other.task);
    }
  }

  /** One build; keeps the intermediate maps out of the graph's fields. */
  private static final class Builder {
    private final PlanCatalog catalog;
    // Hash maps for the lookups of the build (the catalog's own maps are sorted trees).
    private final Map<TaskName, PlanArtifact> plans;
    private final Map<DatasetName, DatasetContract> sources;
    // Multiple edges allowed: the build never adds an edge twice (inputs are distinct), so the
    // duplicate check and the (vertex, vertex) → edge index behind it are pure cost; without the
    // index a 100,000-task graph allocates far less.
    private final DirectedAcyclicGraph<GraphNode, GraphEdge> graph =
        new DirectedAcyclicGraph<>(null, null, false, true, new DefaultGraphSpecificsStrategy<>());
    private final List<TaskName> order;
    private final Map<TaskName, Integer> generation;
    private final Map<TaskName, List<TaskName>> parents;
    private final Map<TaskName, List<TaskName>> children;
    private final Map<TaskName, List<TaskName>> physicalParents;
    private final Map<DatasetName, List<TaskName>> producers;
    private final Map<DatasetName, TaskName> firstProducer;
    private final Map<TaskName, BlockedReason> blocked = new LinkedHashMap<>();
    private final List<GraphDiagnostic> diagnostics = new ArrayList<>();

    Builder(PlanCatalog catalog) {
      this.catalog = catalog;
      this.plans = new HashMap<>(catalog.plans());
      this.sources = new HashMap<>(catalog.sources());
      int tasks = catalog.plans().size();
      this.order = new ArrayList<>(tasks);
      this.generation = HashMap.newHashMap(tasks);
      this.parents = HashMap.newHashMap(tasks);
      this.children = HashMap.newHashMap(tasks);
      this.physicalParents = HashMap.newHashMap(tasks);
      this.producers = HashMap.newHashMap(tasks);
      this.firstProducer = HashMap.newHashMap(tasks);
    }

    Builder build() {
      catalog
          .plans()
          .forEach(
              (task, plan) ->
                  producers
                      .computeIfAbsent(plan.output(), ignored -> new ArrayList<>(1))
                      .add(task));
      producers.forEach((dataset, tasks) -> firstProducer.put(dataset, tasks.get(0)));
      compileFailures();
      multipleProducers();
      Set<DatasetName> missing = missingSources();
      taskEdges();
      sortAndLayOut(missing);
      edgeColumns();
      warnings();
      propagateBlocked();
      return this;
    }

    private void compileFailures() {
      for (CompileFailure failure : catalog.failures()) {
        String where =
            failure.line() == null
                ? ""
                : " (line " + failure.line() + ", column " + failure.column() + ")";
        if ("CYCLE".equals(failure.code())) {
          diagnostics.add(
              GraphDiagnostic.of(
                  "compiler",
                  GraphDiagnosticCode.CYCLE,
                  "task",
                  failure.task().value(),
                  failure.message(),
                  failure.cycle().stream().map(TaskName::value).toList()));
        } else {
          diagnostics.add(
              GraphDiagnostic.taskError(
                  "compiler",
                  GraphDiagnosticCode.COMPILE_FAILED,
                  failure.task().value(),
                  failure.code() + ": " + failure.message() + where));
        }
      }
    }

    private void multipleProducers() {
      Map<DatasetName, List<TaskName>> clashes = new TreeMap<>();
      producers.forEach(
          (dataset, tasks) -> {
            if (tasks.size() > 1 || sources.containsKey(dataset)) {
              clashes.put(dataset, tasks);
            }
          });
      clashes.forEach(
          (dataset, tasks) -> {
            boolean alsoSource = sources.containsKey(dataset);
            List<String> names = tasks.stream().map(TaskName::value).sorted().toList();
            String message =
                "dataset '"
                    + dataset
                    + "' is produced by "
                    + (alsoSource ? "a source contract and " : "")
                    + (names.size() == 1 ? "task " : "tasks ")
                    + String.join(", ", names);
            for (TaskName task : tasks) {
              diagnostics.add(
                  GraphDiagnostic.taskError(
                      "graph", GraphDiagnosticCode.MULTIPLE_PRODUCERS, task.value(), message));
              block(task, GraphDiagnosticCode.MULTIPLE_PRODUCERS, message);
            }
          });
    }

    private Set<DatasetName> missingSources() {
      Set<DatasetName> missing = new TreeSet<>();
      catalog
          .plans()
          .forEach(
              (task, plan) -> {
                for (DatasetName input : plan.logicalInputs()) {
                  if (!producers.containsKey(input) && !sources.containsKey(input)) {
                    missing.add(input);
                    String message =
                        "reads '"
                            + input
                            + "', which is neither a source dataset contract nor any task's output";
                    diagnostics.add(
                        GraphDiagnostic.taskError(
                            "graph", GraphDiagnosticCode.MISSING_SOURCE, task.value(), message));
                    block(task, GraphDiagnosticCode.MISSING_SOURCE, message);
                  }
                }
              });
      return missing;
    }

    private void taskEdges() {
      catalog
          .plans()
          .forEach(
              (task, plan) -> {
                parents.put(task, upstreamOf(task, plan.logicalInputs()));
                physicalParents.put(task, upstreamOf(task, plan.physicalInputs()));
                for (TaskName parent : parents.get(task)) {
                  children.computeIfAbsent(parent, ignored -> new ArrayList<>(2)).add(task);
                }
              });
      children.values().forEach(list -> list.sort(Comparator.naturalOrder()));
    }

    private List<TaskName> upstreamOf(TaskName task, List<DatasetName> inputs) {
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
     * Kahn's algorithm over the task dependencies: yields the dependency order and generations;
     * what is left over sits on or behind a cycle. Vertices then enter the DAG in that order.
     */
    private void sortAndLayOut(Set<DatasetName> missing) {
      Map<TaskName, Integer> pending = HashMap.newHashMap(catalog.plans().size());
      PriorityQueue<Ready> ready = new PriorityQueue<>();
      catalog
          .plans()
          .forEach(
              (task, plan) -> {
                int count = parents.get(task).size();
                pending.put(task, count);
                if (count == 0) {
                  ready.add(new Ready(plan.priority(), task));
                  generation.put(task, 0);
                }
              });
      while (!ready.isEmpty()) {
        TaskName task = ready.poll().task();
        order.add(task);
        int level = generation.get(task);
        for (TaskName child : children.getOrDefault(task, List.of())) {
          generation.merge(child, level + 1, Math::max);
          if (pending.merge(child, -1, Integer::sum) == 0) {
            ready.add(new Ready(plans.get(child).priority(), child));
          }
        }
      }
      List<TaskName> leftover =
          catalog.plans().keySet().stream().filter(task -> pending.get(task) > 0).toList();
      leftover.forEach(generation::remove);
      if (!leftover.isEmpty()) {
        reportCycles(leftover);
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
                  datasetNode(input),
                  taskNode,
                  plan.requiredColumns().getOrDefault(input, List.of())));
        }
      }
    }

    private void reportCycles(List<TaskName> leftover) {
      Set<TaskName> remaining = new TreeSet<>(leftover);
      Set<TaskName> reported = new HashSet<>();
      for (TaskName start : leftover) {
        if (reported.contains(start)) {
          continue;
        }
        List<TaskName> cycle = findCycleThrough(start, remaining);
        if (cycle.isEmpty()) {
          continue;
        }
        List<String> path = cycle.stream().map(TaskName::value).toList();
        String message = "dependency cycle: " + String.join(" -> ", path);
        for (TaskName member : cycle.subList(0, cycle.size() - 1)) {
          if (reported.add(member)) {
            diagnostics.add(
                GraphDiagnostic.of(
                    "graph", GraphDiagnosticCode.CYCLE, "task", member.value(), message, path));
            block(member, GraphDiagnosticCode.CYCLE, message);
          }
        }
      }
      for (TaskName task : leftover) {
        if (!reported.contains(task)) {
          block(task, GraphDiagnosticCode.CYCLE, "downstream of a dependency cycle");
        }
      }
    }

    /** The shortest cycle from {@code start} back to itself, smallest names first; or empty. */
    private List<TaskName> findCycleThrough(TaskName start, Set<TaskName> within) {
      Map<TaskName, TaskName> cameFrom = new HashMap<>();
      ArrayDeque<TaskName> queue = new ArrayDeque<>();
      for (TaskName next : children.getOrDefault(start, List.of())) {
        if (within.contains(next) && !cameFrom.containsKey(next)) {
          cameFrom.put(next, start);
          queue.add(next);
        }
      }
      while (!queue.isEmpty()) {
        TaskName at = queue.poll();
        if (at.equals(start)) {
          List<TaskName> path = new ArrayList<>();
          TaskName step = start;
          do {
            path.add(step);
            step = cameFrom.get(step);
          } while (!step.equals(start));
          path.add(start);
          Collections.reverse(path);
          return path;
        }
        for (TaskName next : children.getOrDefault(at, List.of())) {
          if (within.contains(next) && !cameFrom.containsKey(next)) {
            cameFrom.put(next, at);
            queue.add(next);
          }
        }
      }
      return List.of();
    }

    private void edgeColumns() {
      catalog
          .plans()
          .forEach(
              (task, plan) ->
                  plan.requiredColumns()
                      .forEach(
                          (input, columns) -> {
                            ArrowSchema upstream = upstreamSchema(input);
                            if (upstream == null) {
                              return;
                            }
                            for (RequiredColumn column : columns) {
                              checkColumn(task, input, column, upstream);
                            }
                          }));
    }

    private void checkColumn(
        TaskName task, DatasetName input, RequiredColumn column, ArrowSchema upstream) {
      Optional<ArrowField> field = upstream.field(column.name());
      if (field.isEmpty()) {
        String message =
            "needs column '"
                + column.name()
                + "' ("
                + column.type()
                + ") from '"
                + input
                + "', which has no such column";
        diagnostics.add(
            GraphDiagnostic.taskError(
                "graph", GraphDiagnosticCode.EDGE_COLUMN_MISSING, task.value(), message));
        block(task, GraphDiagnosticCode.EDGE_COLUMN_MISSING, message);
      } else if (!field.get().type().equals(column.type())) {
        String message =
            "needs column '"
                + column.name()
                + "' from '"
                + input
                + "' as "
                + column.type()
                + ", but it is "
                + field.get().type();
        diagnostics.add(
            GraphDiagnostic.taskError(
                "graph", GraphDiagnosticCode.EDGE_TYPE_MISMATCH, task.value(), message));
        block(task, GraphDiagnosticCode.EDGE_TYPE_MISMATCH, message);
      }
    }

    private ArrowSchema upstreamSchema(DatasetName input) {
      DatasetContract source = sources.get(input);
      if (source != null) {
        return source.schema();
      }
      TaskName producer = firstProducer.get(input);
      return producer == null ? null : plans.get(producer).outputSchema();
    }

    private void warnings() {
      Set<DatasetName> read = HashSet.newHashSet(catalog.plans().size() * 2);
      catalog.plans().values().forEach(plan -> read.addAll(plan.logicalInputs()));
      catalog
          .plans()
          .forEach(
              (task, plan) -> {
                if (plan.kind() == TaskKind.VIEW && !read.contains(plan.output())) {
                  diagnostics.add(
                      GraphDiagnostic.of(
                          "graph",
                          GraphDiagnosticCode.UNREAD_OUTPUT,
                          "task",
                          task.value(),
                          "view '"
                              + plan.output()
                              + "' is read by no task, so it is never computed",
                          null));
                }
              });
      catalog
          .sources()
          .keySet()
          .forEach(
              source -> {
                if (!read.contains(source)) {
                  diagnostics.add(
                      GraphDiagnostic.of(
                          "graph",
                          GraphDiagnosticCode.UNUSED_SOURCE,
                          "dataset",
                          source.value(),
                          "source '" + source + "' is read by no task",
                          null));
                }
              });
    }

    /** A task downstream of a blocked task is blocked too, naming the first blocked ancestor. */
    private void propagateBlocked() {
      for (TaskName task : order) {
        if (blocked.containsKey(task)) {
          continue;
        }
        for (TaskName parent : parents.get(task)) {
          BlockedReason reason = blocked.get(parent);
          if (reason != null) {
            blocked.put(
                task,
                new BlockedReason(
                    GraphDiagnosticCode.UPSTREAM_BLOCKED,
                    "upstream task '" + parent + "' is blocked (" + reason.code() + ")"));
            break;
          }
        }
      }
    }

    private void block(TaskName task, GraphDiagnosticCode code, String message) {
      blocked.putIfAbsent(task, new BlockedReason(code, message));
    }

    private static GraphNode.Kind datasetKind(PlanArtifact plan) {
      return plan.kind() == TaskKind.VIEW ? GraphNode.Kind.VIEW : GraphNode.Kind.DERIVED;
    }

    private GraphNode datasetNode(DatasetName dataset) {
      if (sources.containsKey(dataset)) {
        return new GraphNode(GraphNode.Kind.SOURCE, dataset.value());
      }
      TaskName producer = firstProducer.get(dataset);
      if (producer != null) {
        return new GraphNode(datasetKind(plans.get(producer)), dataset.value());
      }
      return new GraphNode(GraphNode.Kind.MISSING, dataset.value());
    }

    private GraphNode addDataset(DatasetName dataset) {
      GraphNode node = datasetNode(dataset);
      graph.addVertex(node);
      return node;
    }

    private void addEdge(GraphEdge edge) {
      try {
        graph.addEdge(edge.from(), edge.to(), edge);
      } catch (IllegalArgumentException cycle) {
        // Already reported: the Kahn sort found the cycle with its path.
      }
    }
  }
}
