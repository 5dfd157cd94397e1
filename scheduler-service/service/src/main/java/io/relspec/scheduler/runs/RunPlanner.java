package io.relspec.scheduler.runs;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.scheduler.graph.TaskGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, for every task of a run, whether it runs, is reused or is skipped, and why: pure logic
 * over the plan catalog, the graph, the request and where outputs currently live.
 *
 * <p>A task runs when it is new, its fingerprint differs from the one its output was built with,
 * something upstream runs, a source it reads changed files, it is forced, the mode is full, or its
 * cache policy is {@code none}. Otherwise its output is reused.
 */
public final class RunPlanner {

  /** Problems that refuse a run unless it allows a partial run. */
  public record Problem(String code, TaskName task, String message) {}

  public record Plan(List<PlannedTask> tasks, List<Problem> problems) {}

  public Plan plan(
      PlanCatalog catalog,
      TaskGraph graph,
      RunRequested request,
      Map<DatasetName, Materialization> materializations) {
    List<Problem> problems = new ArrayList<>();
    for (TaskName forced : request.force()) {
      if (!catalog.plans().containsKey(forced)) {
        problems.add(
            new Problem(
                "UNKNOWN_TASK",
                forced,
                "forced task '" + forced + "' does not exist or did not compile"));
      }
    }
    Set<TaskName> selected = select(catalog, graph, request, problems);
    Map<TaskName, String> blockedBy = new HashMap<>();
    if (request.targets().isEmpty()) {
      // A run of everything includes the tasks that did not compile; a targeted run only its
      // selection.
      for (CompileFailure failure : catalog.failures()) {
        problems.add(
            new Problem(
                "COMPILE_FAILED", failure.task(), failure.code() + ": " + failure.message()));
      }
    }
    for (TaskName task : graph.topologicalOrder()) {
      PlanArtifact plan = graph.plan(task);
      for (DatasetName input : plan.logicalInputs()) {
        if (graph.producer(input) == null && !catalog.sources().containsKey(input)) {
          blockedBy.put(
              task,
              "MISSING_SOURCE: '" + input + "' is neither a source dataset nor a task output");
          if (!selected.contains(task)) {
            continue;
          }
          problems.add(
              new Problem(
                  "MISSING_SOURCE",
                  task,
                  "reads '" + input + "', which is neither a source dataset nor a task output"));
        }
      }
    }
    List<PlannedTask> planned = new ArrayList<>();
    Map<TaskName, TaskAction> actions = new HashMap<>();
    for (TaskName task : graph.topologicalOrder()) {
      PlanArtifact plan = graph.plan(task);
      Set<TaskName> upstream = graph.upstreamTasks(task);
      String blocked = blockedBy.get(task);
      if (blocked == null) {
        for (TaskName parent : upstream) {
          if (blockedBy.containsKey(parent)) {
            blocked = "upstream task '" + parent + "' is blocked";
          }
        }
      }
      if (blocked != null) {
        blockedBy.put(task, blocked);
      }
      if (!selected.contains(task)) {
        continue;
      }
      if (blocked != null) {
        actions.put(task, TaskAction.SKIP);
        planned.add(
            new PlannedTask(
                task, plan.output(), TaskAction.SKIP, SelectionReason.BLOCKED, List.of(), blocked));
        continue;
      }
      Materialization current = materializations.get(plan.output());
      List<String> changedFiles = changedFilesRead(plan, request);
      SelectionReason reason;
      if (request.force().contains(task)) {
        reason = SelectionReason.FORCED;
      } else if (current == null) {
        reason = SelectionReason.NEW;
      } else if (!current.fingerprint().equals(plan.fingerprint())) {
        reason = SelectionReason.FINGERPRINT_CHANGED;
      } else if (upstream.stream().anyMatch(parent -> actions.get(parent) == TaskAction.RUN)) {
        reason = SelectionReason.UPSTREAM_CHANGED;
      } else if (!changedFiles.isEmpty()) {
        reason = SelectionReason.FILES_CHANGED;
      } else if (request.mode() == RunMode.FULL || plan.cachePolicy() == CachePolicy.NONE) {
        reason = SelectionReason.FORCED;
      } else {
        reason = SelectionReason.UNCHANGED;
      }
      TaskAction action = reason == SelectionReason.UNCHANGED ? TaskAction.REUSE : TaskAction.RUN;
      actions.put(task, action);
      planned.add(new PlannedTask(task, plan.output(), action, reason, changedFiles, null));
    }
    return new Plan(List.copyOf(planned), List.copyOf(problems));
  }

  /** Targets and everything upstream of them; no targets means every task. */
  private static Set<TaskName> select(
      PlanCatalog catalog, TaskGraph graph, RunRequested request, List<Problem> problems) {
    if (request.targets().isEmpty()) {
      return new TreeSet<>(catalog.plans().keySet());
    }
    Set<TaskName> selected = new LinkedHashSet<>();
    for (DatasetName target : request.targets()) {
      TaskName producer = graph.producer(target);
      if (producer == null) {
        problems.add(
            new Problem(
                "UNKNOWN_TARGET", null, "no task produces target dataset '" + target + "'"));
        continue;
      }
      selected.add(producer);
      selected.addAll(graph.ancestors(producer));
    }
    return selected;
  }

  private static List<String> changedFilesRead(PlanArtifact plan, RunRequested request) {
    Set<String> files = new TreeSet<>();
    for (DatasetName input : plan.logicalInputs()) {
      files.addAll(request.changedFiles().getOrDefault(input, List.of()));
      files.addAll(request.removedFiles().getOrDefault(input, List.of()));
    }
    return List.copyOf(files);
  }
}
