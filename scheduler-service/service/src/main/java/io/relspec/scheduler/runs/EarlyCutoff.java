package io.relspec.scheduler.runs;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.plans.PlanCatalogs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Judges a task that became runnable against what its run has rebuilt so far: reused when its
 * rebuilt inputs came out the same (in content, or in the columns it reads), narrowed to the file
 * ids whose partitions they changed, or run as planned.
 *
 * <p>Over 400 lines on purpose: the four ways a task is reused or narrowed (same content, same
 * partitions, unchanged columns, rows derived only from unchanged inputs) share one walk over the
 * run's recorded changes, and read best together.
 */
final class EarlyCutoff {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final MaterializationStore materializations = new MaterializationStore();
  private final RunChanges changes = new RunChanges();
  private static final Logger LOG = Logger.getLogger(EarlyCutoff.class);

  private final PlanCatalogs planCatalogs;
  private final RunStore runs;
  private final SourceStore sources;
  private final Lineage lineage;

  EarlyCutoff(PlanCatalogs planCatalogs, RunStore runs, SourceStore sources, Lineage lineage) {
    this.planCatalogs = planCatalogs;
    this.runs = runs;
    this.sources = sources;
    this.lineage = lineage;
  }

  /** What judging a runnable task decided. */
  enum Judgement {
    /** Reused: its rebuilt inputs came out the same (in content, or in the columns it reads). */
    CUT_OFF,
    /** Restricted to the file ids whose partitions its rebuilt inputs changed. */
    NARROWED,
    /** Runs as the plan said. */
    AS_PLANNED
  }

  /**
   * Early cutoff: a task planned only because an upstream output was rebuilt is reused when every
   * input is the version its output was built from, or a rebuilt version whose content equals that
   * version's. Its materialization is then recorded as built from the new versions.
   */
  Judgement cutOff(
      Connection connection,
      String runId,
      TaskRunStatus task,
      TaskGraph graph,
      Map<DatasetName, InputLocation> sourceLocations,
      Instant now)
      throws SQLException {
    if (task.reason() != SelectionReason.UPSTREAM_CHANGED || task.attempt() > 0) {
      return Judgement.AS_PLANNED;
    }
    Materialization built =
        materializations.materialization(connection, task.output()).orElse(null);
    if (built == null || !built.fingerprint().equals(task.fingerprint())) {
      return Judgement.AS_PLANNED;
    }
    // A full run re-runs every task by request: nothing is cut off.
    RunRequested request = runs.request(connection, runId).orElse(null);
    if (request == null || request.mode() == RunMode.FULL) {
      return Judgement.AS_PLANNED;
    }
    PlanArtifact plan = graph.plan(task.task());
    List<TaskName> producers = new ArrayList<>();
    for (DatasetName input : plan.physicalInputs()) {
      TaskName producer = graph.producer(input);
      if (producer != null) {
        producers.add(producer);
      }
    }
    Map<TaskName, Long> sameAs = changes.contentSameAs(connection, runId, producers);
    Map<TaskName, Set<String>> changedColumns =
        changes.changedColumns(connection, runId, producers);
    boolean byColumns = false;
    Set<TaskName> rebuilt = new HashSet<>();
    for (TaskRunStore.TaskProgress producer : taskRuns.taskProgress(connection, runId, producers)) {
      if (producer.state() == TaskRunState.SUCCEEDED) {
        rebuilt.add(producer.task());
      }
    }
    Map<DatasetName, Long> versions = new HashMap<>();
    Set<String> narrowTo = null;
    List<String> narrowedBy = null;
    for (DatasetName input : plan.physicalInputs()) {
      TaskName producer = graph.producer(input);
      Long current;
      if (producer != null) {
        Materialization held = materializations.materialization(connection, input).orElse(null);
        current = held == null ? null : held.version();
      } else {
        InputLocation source = sourceLocations.get(input);
        current = source == null ? null : source.version();
      }
      Long builtFrom = built.inputVersions().get(input);
      if (current == null || builtFrom == null) {
        return Judgement.AS_PLANNED;
      }
      // An output rebuilt in this run counts as the same only on the executor's word (its content
      // hash), never because a version number repeats: versions are per executor store.
      // Files of a source the request declared changed count even when its version did not move.
      Set<String> declared = producer == null ? declaredChanges(request, input) : Set.of();
      boolean same =
          rebuilt.contains(producer)
              ? builtFrom.equals(sameAs.get(producer))
              : current.equals(builtFrom) && declared.isEmpty();
      if (!same
          && rebuilt.contains(producer)
          && readsNoneOf(graph, plan, input, changedColumns.get(producer))) {
        // The producer changed only columns this task does not read, with the same rows.
        same = true;
        byColumns = true;
      }
      if (!same) {
        Set<String> changedFiles =
            task.fileCount() > 0
                ? null
                : producer == null
                    ? changedSourceFiles(connection, plan, input, builtFrom, current, declared)
                    : rebuilt.contains(producer)
                        ? changedPartitions(connection, runId, graph, plan, input, producer)
                        : null;
        if (changedFiles == null) {
          return Judgement.AS_PLANNED;
        }
        if (narrowTo == null) {
          narrowTo = new TreeSet<>();
          narrowedBy = new ArrayList<>();
        }
        narrowTo.addAll(changedFiles);
        narrowedBy.add(input + " (" + changedFiles.size() + ")");
      }
      versions.put(input, current);
    }
    if (narrowTo != null) {
      // Early cutoff by partition: the rebuilt inputs changed only these file ids' partitions,
      // and the task is file-scopable for each of them: it re-runs for those file ids only.
      taskRuns.insertFileIds(connection, runId, task.task(), List.copyOf(narrowTo));
      LOG.infof(
          "run %s: %s narrowed to %d file id(s): its rebuilt inputs changed only those partitions"
              + " (%s)",
          runId, task.task(), narrowTo.size(), String.join(", ", narrowedBy));
      return Judgement.NARROWED;
    }
    materializations.updateMaterializationInputs(connection, task.output(), versions);
    changes.markCutOff(
        connection,
        runId,
        task.task(),
        byColumns ? SelectionReason.UNCHANGED_COLUMNS : SelectionReason.UPSTREAM_UNCHANGED_CONTENT,
        now);
    LOG.infof(
        byColumns
            ? "run %s: %s reused, its rebuilt inputs changed only columns it does not read"
            : "run %s: %s reused, its rebuilt inputs came out with unchanged content",
        runId,
        task.task());
    return Judgement.CUT_OFF;
  }

  /**
   * The file ids of source {@code input} changed between the version the task's output was built
   * from and the one it reads now (as recorded by the source updates, plus what the run request
   * declared), when the task is file-scopable for that source. Null when the updates named no file
   * ids or the task cannot be restricted by them.
   */
  Set<String> changedSourceFiles(
      Connection connection,
      PlanArtifact plan,
      DatasetName input,
      long builtFrom,
      long current,
      Set<String> declared)
      throws SQLException {
    FileScope scope = plan.fileScope();
    if (scope == null || !scope.scopedInputs().containsKey(input)) {
      return null;
    }
    Set<String> files = new TreeSet<>(declared);
    if (current != builtFrom) {
      PlanningState.FileChanges logged = sources.between(connection, input, builtFrom, current);
      if (logged.whole()) {
        return null;
      }
      files.addAll(logged.files());
    }
    return files;
  }

  static Set<String> declaredChanges(RunRequested request, DatasetName source) {
    Set<String> declared = new TreeSet<>();
    declared.addAll(request.changedFiles().getOrDefault(source, List.of()));
    declared.addAll(request.removedFiles().getOrDefault(source, List.of()));
    return declared;
  }

  /**
   * The file ids whose partitions of {@code input} its producer changed in this run, when the task
   * is file-scopable for {@code input} by the same column: the producer's own file ids when it ran
   * scoped (or was narrowed), else the partitions its executor reported changed by a full rewrite.
   * Null when unknown, or when the task could not be restricted to them.
   */
  Set<String> changedPartitions(
      Connection connection,
      String runId,
      TaskGraph graph,
      PlanArtifact plan,
      DatasetName input,
      TaskName producer)
      throws SQLException {
    FileScope scope = plan.fileScope();
    String column = scope == null ? null : scope.scopedInputs().get(input);
    if (column == null) {
      return null;
    }
    FileScope producerScope = graph.plan(producer).fileScope();
    if (producerScope != null && producerScope.partial()) {
      // Kept from partial aggregates: its file ids are its input's, its output is rewritten whole.
      return null;
    }
    List<String> scoped = taskRuns.fileIds(connection, runId, producer);
    if (!scoped.isEmpty()) {
      String producerColumn = OutputPartitions.column(graph, producer);
      return column.equals(producerColumn) ? new TreeSet<>(scoped) : null;
    }
    return changes
        .changedPartitions(connection, runId, producer)
        .filter(reported -> reported.column().equals(column))
        .map(reported -> (Set<String>) new TreeSet<>(reported.fileIds()))
        .orElse(null);
  }

  /**
   * Whether a task reads none of {@code changed} columns of {@code input} ({@code changed} null:
   * unknown, so it may). The columns it reads are those its SQL references of the input, plus,
   * where it reads the input through views, every column those views reference of it (a superset:
   * anything of the input that reaches the task passes through one of them).
   */
  static boolean readsNoneOf(
      TaskGraph graph, PlanArtifact plan, DatasetName input, Set<String> changed) {
    if (changed == null) {
      return false;
    }
    List<RequiredColumn> read =
        new ArrayList<>(plan.requiredColumns().getOrDefault(input, List.of()));
    boolean named = plan.requiredColumns().containsKey(input);
    for (DatasetName view : plan.views()) {
      TaskName producer = graph.producer(view);
      PlanArtifact viewPlan = producer == null ? null : graph.plan(producer);
      if (viewPlan == null) {
        return false;
      }
      if (viewPlan.requiredColumns().containsKey(input)) {
        read.addAll(viewPlan.requiredColumns().get(input));
        named = true;
      }
    }
    return named && read.stream().noneMatch(column -> changed.contains(column.name()));
  }

  /**
   * The output columns whose values a task's new version may have changed against its previous
   * version, with the same rows; null when unknown or when the rows may differ. Known in two cases:
   * the task's own SQL changed while its inputs did not (the plans' column fingerprints say which
   * columns), and the task re-ran because inputs changed some of their columns (column lineage says
   * which outputs derive from those; any use of them that decides rows makes it unknown).
   */
  Set<String> changedColumns(
      Connection connection,
      String runId,
      TaskRunStatus task,
      TaskGraph graph,
      Materialization previous,
      Map<DatasetName, Long> inputVersions)
      throws SQLException {
    if (previous == null || task.fileCount() > 0) {
      return null;
    }
    PlanArtifact plan = graph.plan(task.task());
    Set<String> all = new TreeSet<>();
    plan.outputSchema().fields().forEach(field -> all.add(field.name()));
    Set<String> changed;
    if (task.reason() == SelectionReason.FINGERPRINT_CHANGED) {
      if (!previous.inputVersions().equals(inputVersions)) {
        return null;
      }
      PlanArtifact before = previousPlan(connection, previous);
      if (before == null) {
        return null;
      }
      changed = plan.columnsChangedFrom(before);
    } else if (task.reason() == SelectionReason.UPSTREAM_CHANGED
        && previous.fingerprint().equals(task.fingerprint())) {
      changed = derivedFromChangedInputs(connection, runId, graph, plan, previous, inputVersions);
      if (changed == null) {
        return null;
      }
    } else {
      return null;
    }
    return changed.size() == all.size() ? null : changed;
  }

  /**
   * Whether one of the views a task reads (directly or through other views) reads {@code input}.
   */
  static boolean readThroughView(TaskGraph graph, PlanArtifact plan, DatasetName input) {
    for (DatasetName view : plan.views()) {
      TaskName producer = graph.producer(view);
      PlanArtifact viewPlan = producer == null ? null : graph.plan(producer);
      if (viewPlan == null || viewPlan.physicalInputs().contains(input)) {
        return true;
      }
    }
    return false;
  }

  /** The plan that built a materialization, from the plan catalog of the run that built it. */
  PlanArtifact previousPlan(Connection connection, Materialization previous) throws SQLException {
    Optional<String> runId = materializations.materializationRunId(connection, previous.dataset());
    if (runId.isEmpty()) {
      return null;
    }
    Optional<RunStatus> run = runs.run(connection, runId.get());
    if (run.isEmpty()) {
      return null;
    }
    PlanArtifact plan;
    try {
      plan = planCatalogs.byId(connection, run.get().planCatalogId()).plan(previous.task());
    } catch (IllegalStateException gone) {
      return null;
    }
    return plan != null && plan.fingerprint().equals(previous.fingerprint()) ? plan : null;
  }

  /**
   * One level further down: the output columns derived (directly) from input columns that a rebuilt
   * producer changed; null when an input changed otherwise, or a changed column decides which rows
   * exist (a filter, join, grouping, ordering or window) or is used where the lineage does not say
   * how.
   */
  Set<String> derivedFromChangedInputs(
      Connection connection,
      String runId,
      TaskGraph graph,
      PlanArtifact plan,
      Materialization previous,
      Map<DatasetName, Long> inputVersions)
      throws SQLException {
    Map<DatasetName, Set<String>> changedInputs = new HashMap<>();
    List<TaskName> producers = new ArrayList<>();
    for (DatasetName input : plan.physicalInputs()) {
      TaskName producer = graph.producer(input);
      if (producer != null) {
        producers.add(producer);
      }
    }
    Map<TaskName, Set<String>> known = changes.changedColumns(connection, runId, producers);
    Map<TaskName, Long> sameAs = changes.contentSameAs(connection, runId, producers);
    Set<TaskName> rebuilt = new HashSet<>();
    for (TaskRunStore.TaskProgress producer : taskRuns.taskProgress(connection, runId, producers)) {
      if (producer.state() == TaskRunState.SUCCEEDED) {
        rebuilt.add(producer.task());
      }
    }
    for (DatasetName input : plan.physicalInputs()) {
      Long before = previous.inputVersions().get(input);
      Long now = inputVersions.get(input);
      if (before == null || now == null) {
        return null;
      }
      TaskName producer = graph.producer(input);
      // A version number repeating says nothing about an output rebuilt in this run: versions are
      // per executor store, and one rebuilt elsewhere can take the number the old one had.
      if (before.equals(now) && !rebuilt.contains(producer)) {
        continue;
      }
      if (producer != null && before.equals(sameAs.get(producer))) {
        continue;
      }
      Set<String> columns = producer == null ? null : known.get(producer);
      if (columns == null
          || !plan.logicalInputs().contains(input)
          || readThroughView(graph, plan, input)) {
        // Lineage names what the SQL reads: a changed input read through a view shows there as
        // the view's columns, so which outputs it reaches is not known here.
        return null;
      }
      changedInputs.put(input, columns);
    }
    Set<String> used = new HashSet<>();
    Set<String> changed = new TreeSet<>();
    for (ColumnLineage column : plan.lineage()) {
      for (ColumnLineage.Origin origin : column.origins()) {
        Set<String> changedHere = changedInputs.get(origin.dataset());
        if (changedHere == null || !changedHere.contains(origin.column())) {
          continue;
        }
        switch (origin.subtype()) {
          case JOIN, FILTER, GROUP_BY, SORT -> {
            // The changed column decides which rows exist (or which are kept by a LIMIT).
            return null;
          }
          default -> {
            // Identity, transformation, aggregation, a CASE condition or a window over it: the
            // value of this output column changes, not which rows exist.
            used.add(origin.dataset().value() + "." + origin.column());
            changed.add(column.column());
          }
        }
      }
    }
    // A changed column the task reads that no output column's lineage accounts for is used in a
    // way this cannot judge.
    for (Map.Entry<DatasetName, Set<String>> input : changedInputs.entrySet()) {
      for (var required : plan.requiredColumns().getOrDefault(input.getKey(), List.of())) {
        if (input.getValue().contains(required.name())
            && !used.contains(input.getKey().value() + "." + required.name())) {
          return null;
        }
      }
    }
    return changed;
  }
}
