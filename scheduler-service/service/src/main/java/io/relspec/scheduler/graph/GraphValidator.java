package io.relspec.scheduler.graph;

import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.platform.graph.DependencyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks of a graph build, each adding diagnostics and blocking the tasks they are about:
 * compile failures, datasets with two producers or none, cycles (with the path around each), edges
 * whose columns or types do not fit their producer's output, unread views and sources; and a task
 * downstream of a blocked one is blocked too.
 */
final class GraphValidator {
  private final TaskGraphBuilder b;

  GraphValidator(TaskGraphBuilder builder) {
    this.b = builder;
  }

  void compileFailures() {
    for (CompileFailure failure : b.catalog.failures()) {
      String where =
          failure.line() == null
              ? ""
              : " (line " + failure.line() + ", column " + failure.column() + ")";
      if ("CYCLE".equals(failure.code())) {
        b.diagnostics.add(
            GraphDiagnostic.of(
                "compiler",
                GraphDiagnosticCode.CYCLE,
                "task",
                failure.task().value(),
                failure.message(),
                failure.cycle().stream().map(TaskName::value).toList()));
      } else {
        b.diagnostics.add(
            GraphDiagnostic.taskError(
                "compiler",
                GraphDiagnosticCode.COMPILE_FAILED,
                failure.task().value(),
                failure.code() + ": " + failure.message() + where));
      }
    }
  }

  void multipleProducers() {
    Map<DatasetName, List<TaskName>> clashes = new TreeMap<>();
    b.producers.forEach(
        (dataset, tasks) -> {
          if (tasks.size() > 1 || b.sources.containsKey(dataset)) {
            clashes.put(dataset, tasks);
          }
        });
    clashes.forEach(
        (dataset, tasks) -> {
          boolean alsoSource = b.sources.containsKey(dataset);
          List<String> names = tasks.stream().map(TaskName::value).sorted().toList();
          String message =
              "dataset '"
                  + dataset
                  + "' is produced by "
                  + (alsoSource ? "a source contract and " : "")
                  + (names.size() == 1 ? "task " : "tasks ")
                  + String.join(", ", names);
          for (TaskName task : tasks) {
            b.diagnostics.add(
                GraphDiagnostic.taskError(
                    "graph", GraphDiagnosticCode.MULTIPLE_PRODUCERS, task.value(), message));
            block(task, GraphDiagnosticCode.MULTIPLE_PRODUCERS, message);
          }
        });
  }

  Set<DatasetName> missingSources() {
    Set<DatasetName> missing = new TreeSet<>();
    b.catalog
        .plans()
        .forEach(
            (task, plan) -> {
              for (DatasetName input : plan.logicalInputs()) {
                if (!b.producers.containsKey(input) && !b.sources.containsKey(input)) {
                  missing.add(input);
                  String message =
                      "reads '"
                          + input
                          + "', which is neither a source dataset contract nor any task's output";
                  b.diagnostics.add(
                      GraphDiagnostic.taskError(
                          "graph", GraphDiagnosticCode.MISSING_SOURCE, task.value(), message));
                  block(task, GraphDiagnosticCode.MISSING_SOURCE, message);
                }
              }
            });
    return missing;
  }

  /** Reports each task on a cycle with the cycle's path, and blocks what sits behind one. */
  void reportCycles(List<TaskName> leftover) {
    Map<TaskName, List<TaskName>> readers = new HashMap<>();
    for (TaskName task : leftover) {
      for (TaskName parent : b.parents.get(task)) {
        readers.computeIfAbsent(parent, ignored -> new ArrayList<>(2)).add(task);
      }
    }
    readers.values().forEach(list -> list.sort(Comparator.naturalOrder()));
    Map<TaskName, List<TaskName>> cycles =
        DependencyOrder.cycles(leftover, task -> readers.getOrDefault(task, List.of()));
    cycles.forEach(
        (member, cycle) -> {
          List<String> path = cycle.stream().map(TaskName::value).toList();
          String message = "dependency cycle: " + String.join(" -> ", path);
          b.diagnostics.add(
              GraphDiagnostic.of(
                  "graph", GraphDiagnosticCode.CYCLE, "task", member.value(), message, path));
          block(member, GraphDiagnosticCode.CYCLE, message);
        });
    for (TaskName task : leftover) {
      if (!cycles.containsKey(task)) {
        block(task, GraphDiagnosticCode.CYCLE, "downstream of a dependency cycle");
      }
    }
  }

  void edgeColumns() {
    b.catalog
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

  void checkColumn(TaskName task, DatasetName input, RequiredColumn column, ArrowSchema upstream) {
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
      b.diagnostics.add(
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
      b.diagnostics.add(
          GraphDiagnostic.taskError(
              "graph", GraphDiagnosticCode.EDGE_TYPE_MISMATCH, task.value(), message));
      block(task, GraphDiagnosticCode.EDGE_TYPE_MISMATCH, message);
    }
  }

  ArrowSchema upstreamSchema(DatasetName input) {
    DatasetContract source = b.sources.get(input);
    if (source != null) {
      return source.schema();
    }
    TaskName producer = b.firstProducer.get(input);
    return producer == null ? null : b.plans.get(producer).outputSchema();
  }

  void warnings() {
    Set<DatasetName> read = HashSet.newHashSet(b.catalog.plans().size() * 2);
    b.catalog.plans().values().forEach(plan -> read.addAll(plan.logicalInputs()));
    b.catalog
        .plans()
        .forEach(
            (task, plan) -> {
              if (plan.kind() == TaskKind.VIEW && !read.contains(plan.output())) {
                b.diagnostics.add(
                    GraphDiagnostic.of(
                        "graph",
                        GraphDiagnosticCode.UNREAD_OUTPUT,
                        "task",
                        task.value(),
                        "view '" + plan.output() + "' is read by no task, so it is never computed",
                        null));
              }
            });
    b.catalog
        .sources()
        .keySet()
        .forEach(
            source -> {
              if (!read.contains(source)) {
                b.diagnostics.add(
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
  void propagateBlocked() {
    for (TaskName task : b.order) {
      if (b.blocked.containsKey(task)) {
        continue;
      }
      for (TaskName parent : b.parents.get(task)) {
        BlockedReason reason = b.blocked.get(parent);
        if (reason != null) {
          b.blocked.put(
              task,
              new BlockedReason(
                  GraphDiagnosticCode.UPSTREAM_BLOCKED,
                  "upstream task '" + parent + "' is blocked (" + reason.code() + ")"));
          break;
        }
      }
    }
  }

  void block(TaskName task, GraphDiagnosticCode code, String message) {
    b.blocked.putIfAbsent(task, new BlockedReason(code, message));
  }
}
