package io.relspec.scheduler.runs;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.graph.TaskGraph;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the work-queue message of a task attempt: where each input's version lives (task outputs
 * from their materialization, sources from their newest recorded version), the catalog functions
 * and view tasks it reads, and how the executor writes its output (replaced, upserted for the run's
 * file ids, merged from partial aggregates, compared partition by partition), and the executor it
 * is placed on ({@link Placement}).
 */
final class TaskRequests {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final MaterializationStore materializations = new MaterializationStore();
  private final SchedulerConfig config;
  private final RunStore runs;
  private final Placement placement;

  TaskRequests(SchedulerConfig config, RunStore runs, LiveExecutors live) {
    this.config = config;
    this.runs = runs;
    this.placement = new Placement(config.placement(), live);
  }

  /** An attempt's message, the input versions it pins and where it was placed. */
  record Request(
      TaskRunRequested message,
      Map<DatasetName, Long> inputVersions,
      Placement.Decision placement) {}

  Request request(
      Connection connection,
      String runId,
      TaskRunStatus task,
      TaskGraph graph,
      Map<DatasetName, InputLocation> sourceLocations,
      Instant now)
      throws SQLException {
    int attempt = task.attempt() + 1;
    PlanArtifact plan = graph.plan(task.task());
    PlanCatalog catalog = graph.catalog();
    List<InputLocation> inputs = new ArrayList<>();
    Map<DatasetName, Long> inputVersions = new HashMap<>();
    for (DatasetName input : plan.physicalInputs()) {
      // Only this task's inputs: a completion must not read every materialization of the catalog.
      Materialization location =
          graph.producer(input) == null
              ? null
              : materializations.materialization(connection, input).orElse(null);
      if (location != null) {
        inputs.add(
            new InputLocation(
                input, location.version(), location.executorId(), location.flightUri()));
        inputVersions.put(input, location.version());
      } else {
        InputLocation source =
            sourceLocations.getOrDefault(input, new InputLocation(input, null, null, null));
        inputs.add(source);
        inputVersions.put(input, source.version());
      }
    }
    List<MacroDefinition> macros = new ArrayList<>();
    for (String name : plan.functions()) {
      FunctionSpec function = catalog.functions().get(name);
      if (function != null) {
        macros.add(
            new MacroDefinition(
                name,
                function.parameters().stream().map(FunctionSpec.Parameter::name).toList(),
                function.expression()));
      }
    }
    List<String> fileIds =
        task.fileCount() == 0 ? List.of() : taskRuns.fileIds(connection, runId, task.task());
    TaskRunRequested.WriteMode mode = TaskRunRequested.WriteMode.REPLACE;
    // Named whenever the output has one, so executors can serve and later upsert its partitions.
    String fileIdColumn = plan.fileScope() == null ? null : plan.fileScope().fileIdColumn();
    // Early cutoff by partition: a full rewrite of an output keyed by file id in an incremental
    // run is compared with the previous version partition by partition. It reports the partitions
    // it changed (a reader may re-run for those file ids only), and when they are few the executor
    // writes only them into the previous version's table instead of writing a whole new table.
    String readersColumn = null;
    if (fileIds.isEmpty()) {
      readersColumn = OutputPartitions.readersColumn(graph, task.task());
      if (fileIdColumn == null) {
        fileIdColumn = readersColumn;
      }
    }
    boolean reportChangedFiles =
        fileIds.isEmpty()
            && fileIdColumn != null
            && (readersColumn == null || readersColumn.equals(fileIdColumn))
            && runs.run(connection, runId).map(run -> run.mode() != RunMode.FULL).orElse(false);
    InputLocation previousOutput = null;
    Map<DatasetName, String> scopedInputs = Map.of();
    FileScope.PartialAggregate partialAggregate =
        plan.fileScope() == null ? null : plan.fileScope().partialAggregate();
    if (!fileIds.isEmpty()) {
      mode =
          partialAggregate != null
              ? TaskRunRequested.WriteMode.MERGE_PARTIALS
              : TaskRunRequested.WriteMode.UPSERT_FILES;
      scopedInputs = plan.fileScope().scopedInputs();
      previousOutput =
          materializations
              .materialization(connection, plan.output())
              .map(
                  held ->
                      new InputLocation(
                          plan.output(), held.version(), held.executorId(), held.flightUri()))
              .orElse(null);
    }
    List<ViewDefinition> views = new ArrayList<>();
    for (DatasetName view : plan.views()) {
      views.add(new ViewDefinition(view, graph.plan(graph.producer(view)).sql()));
    }
    Placement.Decision placed = placement.place(connection, inputs, previousOutput);
    return new Request(
        new TaskRunRequested(
            UUID.randomUUID(),
            now,
            runId,
            runId + "/" + task.task(),
            task.task(),
            attempt,
            plan.output(),
            plan.sql(),
            plan.fingerprint(),
            inputs,
            views,
            macros,
            mode,
            fileIdColumn,
            fileIds,
            scopedInputs,
            now.plus(config.taskTimeout()),
            plan.outputSchema(),
            previousOutput,
            reportChangedFiles,
            partialAggregate,
            placed.executorId()),
        inputVersions,
        placed);
  }
}
