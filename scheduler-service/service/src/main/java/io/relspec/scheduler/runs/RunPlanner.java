package io.relspec.scheduler.runs;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.graph.PlanningIndex;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.runs.PlanningState.FileChanges;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, for every task of a run, whether it runs, is reused or is skipped, and why: pure logic
 * over the task graph, the request and what is materialized now.
 *
 * <p>A task runs when it is forced, new, its fingerprint differs from the one its output was built
 * with, an input changed (an upstream task runs, an upstream output was rebuilt since, or a source
 * changed files), the mode is {@code full}, or its cache policy is {@code none}. Otherwise its
 * output is reused. A task whose inputs changed only in some file ids, and which the compiler found
 * file-scopable for those inputs, runs only for those file ids and upserts their partitions. Views
 * are inlined into their readers and never run; blocked tasks are skipped.
 */
public final class RunPlanner {

  /**
   * @param retired outputs materialized earlier whose task no longer exists
   */
  public record Plan(
      List<PlannedTask> tasks, List<RunProblem> problems, List<DatasetName> retired) {}

  public Plan plan(TaskGraph graph, RunRequested request, PlanningState state) {
    PlanCatalog catalog = graph.catalog();
    List<RunProblem> problems = new ArrayList<>();
    for (TaskName forced : request.force()) {
      if (!catalog.plans().containsKey(forced)) {
        problems.add(
            new RunProblem(
                "UNKNOWN_TASK",
                forced,
                "forced task '" + forced + "' does not exist or did not compile"));
      }
    }
    for (var files : List.of(request.changedFiles(), request.removedFiles())) {
      for (DatasetName dataset : files.keySet()) {
        if (!catalog.sources().containsKey(dataset)) {
          problems.add(
              new RunProblem(
                  "UNKNOWN_SOURCE",
                  null,
                  "'"
                      + dataset
                      + "' in changedFiles/removedFiles is not a source dataset"
                      + (graph.producer(dataset) != null
                          ? " (it is a task's output; name the sources whose files changed)"
                          : "")));
        }
      }
    }
    Set<TaskName> selected = select(graph, request, problems);
    for (GraphDiagnostic diagnostic : graph.diagnostics()) {
      if (!diagnostic.isError()) {
        continue;
      }
      boolean aboutSelected =
          diagnostic.subject() != null
              && "task".equals(diagnostic.subjectKind())
              && (request.targets().isEmpty()
                  || selected.contains(TaskName.of(diagnostic.subject())));
      boolean compileFailure = "compiler".equals(diagnostic.source());
      if (aboutSelected || (compileFailure && request.targets().isEmpty())) {
        problems.add(
            new RunProblem(
                diagnostic.code(),
                diagnostic.subject() == null ? null : TaskName.of(diagnostic.subject()),
                diagnostic.message()));
      }
    }

    List<TaskName> order = graph.topologicalOrder();
    int size = order.size();
    List<PlannedTask> planned = new ArrayList<>(size);
    // Indexed by position in the order; the planning index gives each input's producer position, so
    // the walk over 100,000 tasks does no hash lookups beyond each task's own materialization.
    PlanningIndex index = graph.planning();
    Walk walk = new Walk(size);
    boolean anyBlocked = !graph.blocked().isEmpty();
    boolean everything = request.targets().isEmpty();
    int materializedSeen = 0;
    for (int position = 0; position < size; position++) {
      TaskName task = order.get(position);
      if (!everything && !selected.contains(task)) {
        continue;
      }
      PlanArtifact plan = index.plan(position);
      BlockedReason blocked = anyBlocked ? graph.blockedBy(task).orElse(null) : null;
      if (blocked != null || plan.kind() == TaskKind.VIEW) {
        walk.actions[position] = TaskAction.SKIP;
        if (blocked != null) {
          // A blocked task's output may still be an input whose version its readers compare.
          // Counted once per dataset: blocked tasks may share an output (MULTIPLE_PRODUCERS).
          boolean counted = task.equals(graph.producer(plan.output()));
          materializedSeen += walk.lookUp(position, plan, state) != null && counted ? 1 : 0;
        }
        planned.add(
            new PlannedTask(
                task,
                plan.output(),
                TaskAction.SKIP,
                blocked != null ? SelectionReason.BLOCKED : SelectionReason.INLINED,
                List.of(),
                blocked,
                null));
        continue;
      }
      Materialization current = walk.lookUp(position, plan, state);
      materializedSeen += current == null ? 0 : 1;
      InputChanges changes =
          inputChanges(index.physicalInputPositions(position), plan, current, request, state, walk);
      SelectionReason reason;
      if (!request.force().isEmpty() && request.force().contains(task)) {
        reason = SelectionReason.FORCED;
      } else if (current == null) {
        reason = SelectionReason.NEW;
      } else if (!current.fingerprint().equals(plan.fingerprint())) {
        reason = SelectionReason.FINGERPRINT_CHANGED;
      } else if (changes.upstream) {
        reason = SelectionReason.UPSTREAM_CHANGED;
      } else if (changes.sourceFiles) {
        reason = SelectionReason.FILES_CHANGED;
      } else if (request.mode() == RunMode.FULL || plan.cachePolicy() == CachePolicy.NONE) {
        reason = SelectionReason.FORCED;
      } else {
        reason = SelectionReason.UNCHANGED;
      }
      TaskAction action = reason == SelectionReason.UNCHANGED ? TaskAction.REUSE : TaskAction.RUN;
      boolean scoped =
          action == TaskAction.RUN
              && request.mode() != RunMode.FULL
              && (reason == SelectionReason.UPSTREAM_CHANGED
                  || reason == SelectionReason.FILES_CHANGED)
              && !changes.whole
              && !changes.files.isEmpty();
      walk.actions[position] = action;
      // A task kept from partial aggregates rewrites its whole output: not a set of file ids
      // of it for its readers.
      if (scoped && !plan.fileScope().partial()) {
        walk.scopedFiles[position] = changes.files;
      }
      String scope = null;
      if (reason == SelectionReason.UPSTREAM_CHANGED || reason == SelectionReason.FILES_CHANGED) {
        scope =
            scoped
                ? "scoped to "
                    + changes.files.size()
                    + " file id(s) of "
                    + String.join(
                        ", ",
                        plan.fileScope().scopedInputs().keySet().stream()
                            .map(DatasetName::value)
                            .toList())
                    + (plan.fileScope().partial()
                        ? ", output recomputed from per-file partial aggregates"
                        : "")
                : request.mode() == RunMode.FULL
                    ? "full: a full run"
                    : "full: "
                        + (changes.wholeBecause == null
                            ? "its inputs changed no file ids"
                            : changes.wholeBecause);
      }
      planned.add(
          new PlannedTask(
              task,
              plan.output(),
              action,
              reason,
              scoped ? List.copyOf(changes.files) : List.of(),
              null,
              scope));
    }
    List<DatasetName> retired = new ArrayList<>();
    // Every materialization was matched to a task of this graph: none can be retired.
    if (materializedSeen != state.materializations().size()) {
      for (DatasetName dataset : state.materializations().keySet()) {
        if (graph.producer(dataset) == null) {
          retired.add(dataset);
        }
      }
    }
    retired.sort(null);
    return new Plan(List.copyOf(planned), List.copyOf(problems), List.copyOf(retired));
  }

  /** How a task's inputs changed since its output was built. */
  private static final class InputChanges {
    boolean upstream;
    boolean sourceFiles;
    boolean whole;

    /** Why the task runs in full although it was asked for changes: the first cause found. */
    String wholeBecause;

    Set<String> files = Set.of();

    void add(DatasetName input, FileChanges change, FileScope scope) {
      add(input, change, scope, "'" + input + "' changed as a whole");
    }

    void add(DatasetName input, FileChanges change, FileScope scope, String wholeCause) {
      String cause = null;
      if (scope == null || !scope.scopable()) {
        cause = "not file-scopable (" + (scope == null ? "no file scope" : scope.reason()) + ")";
      } else if (change.whole()) {
        cause = wholeCause;
      } else if (!scope.scopedInputs().containsKey(input)) {
        cause = "'" + input + "' changed and is not keyed by file for this task";
      }
      if (cause != null) {
        whole = true;
        if (wholeBecause == null) {
          wholeBecause = cause;
        }
      } else if (!change.files().isEmpty()) {
        if (files.isEmpty()) {
          files = new TreeSet<>();
        }
        files.addAll(change.files());
      }
    }
  }

  /** What the walk decided so far, by position in the topological order. */
  private static final class Walk {
    final TaskAction[] actions;
    final Set<String>[] scopedFiles;
    final Materialization[] materialized;
    final boolean[] lookedUp;

    @SuppressWarnings("unchecked")
    Walk(int size) {
      actions = new TaskAction[size];
      scopedFiles = (Set<String>[]) new Set<?>[size];
      materialized = new Materialization[size];
      lookedUp = new boolean[size];
    }

    Materialization lookUp(int position, PlanArtifact plan, PlanningState state) {
      Materialization current = state.materializations().get(plan.output());
      materialized[position] = current;
      lookedUp[position] = true;
      return current;
    }
  }

  private static InputChanges inputChanges(
      int[] producers,
      PlanArtifact plan,
      Materialization current,
      RunRequested request,
      PlanningState state,
      Walk walk) {
    InputChanges changes = new InputChanges();
    List<DatasetName> inputs = plan.physicalInputs();
    for (int i = 0; i < producers.length; i++) {
      DatasetName input = inputs.get(i);
      int producer = producers[i];
      if (producer != PlanningIndex.NO_PRODUCER) {
        if (producer >= 0 && walk.actions[producer] == TaskAction.RUN) {
          Set<String> files = walk.scopedFiles[producer];
          changes.upstream = true;
          changes.add(
              input,
              files == null ? FileChanges.WHOLE : new FileChanges(false, files),
              plan.fileScope(),
              "'"
                  + input
                  + "' is rebuilt in full in this run"
                  + (narrowable(plan, input)
                      ? " (narrowed at run time to the partitions it changes)"
                      : ""));
        } else if (current != null) {
          Materialization upstream =
              producer >= 0 && walk.lookedUp[producer]
                  ? walk.materialized[producer]
                  : state.materializations().get(input);
          if (upstream != null
              && !Objects.equals(current.inputVersions().get(input), upstream.version())) {
            // Rebuilt by an earlier run this output did not follow (it failed or was skipped).
            changes.upstream = true;
            changes.add(
                input,
                FileChanges.WHOLE,
                plan.fileScope(),
                "'" + input + "' was rebuilt by an earlier run this output did not follow");
          }
        }
        continue;
      }
      List<String> changedHere = request.changedFiles().getOrDefault(input, List.of());
      List<String> removedHere = request.removedFiles().getOrDefault(input, List.of());
      Set<String> requested =
          changedHere.isEmpty() && removedHere.isEmpty() ? new HashSet<>(0) : new HashSet<>();
      requested.addAll(changedHere);
      requested.addAll(removedHere);
      FileChanges logged = null;
      Long now = state.sourceVersions().get(input);
      if (current != null && now != null) {
        Long built = current.inputVersions().get(input);
        if (!Objects.equals(built, now)) {
          logged = state.sourceChanges().between(input, built, now);
        }
      }
      if (logged != null && logged.whole()) {
        changes.sourceFiles = true;
        changes.add(
            input,
            FileChanges.WHOLE,
            plan.fileScope(),
            "source '" + input + "' was replaced without file ids");
      } else if (logged != null || !requested.isEmpty()) {
        if (logged != null) {
          requested.addAll(logged.files());
        }
        if (!requested.isEmpty()) {
          changes.sourceFiles = true;
          changes.add(input, new FileChanges(false, requested), plan.fileScope());
        }
      }
    }
    return changes;
  }

  /**
   * Whether a task planned in full because {@code input} is rebuilt in full may still run for some
   * file ids: it is file-scopable for {@code input}, so the run restricts it to the partitions the
   * rebuild reports changed (early cutoff by partition).
   */
  private static boolean narrowable(PlanArtifact plan, DatasetName input) {
    FileScope scope = plan.fileScope();
    return scope != null && scope.scopable() && scope.scopedInputs().containsKey(input);
  }

  /** Targets and everything upstream of them; no targets means every compiled task (empty set). */
  private static Set<TaskName> select(
      TaskGraph graph, RunRequested request, List<RunProblem> problems) {
    if (request.targets().isEmpty()) {
      return Set.of();
    }
    Set<TaskName> selected = new HashSet<>();
    for (DatasetName target : request.targets()) {
      TaskName producer = graph.producer(target);
      if (producer == null) {
        boolean source = graph.catalog().sources().containsKey(target);
        problems.add(
            new RunProblem(
                "UNKNOWN_TARGET",
                null,
                source
                    ? "'" + target + "' is a source dataset; targets are task outputs"
                    : "no compiled task produces target dataset '" + target + "'"));
        continue;
      }
      selected.add(producer);
      selected.addAll(graph.ancestors(producer));
    }
    return selected;
  }
}
