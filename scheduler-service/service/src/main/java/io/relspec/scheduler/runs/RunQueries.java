package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.plans.PlanCatalogs;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read side of runs: a run's status and tasks, recent runs, where a dataset's newest version
 * lives, and the directory of everything a SQL reader can name.
 */
@ApplicationScoped
public class RunQueries {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final MaterializationStore materializations = new MaterializationStore();
  private final AgroalDataSource dataSource;
  private final PlanCatalogs planCatalogs;
  private final RunStore runs = new RunStore();
  private final SourceStore sources = new SourceStore();

  public RunQueries(
      @DataSource("scheduler") AgroalDataSource dataSource, PlanCatalogs planCatalogs) {
    this.dataSource = dataSource;
    this.planCatalogs = planCatalogs;
  }

  public RunStatus status(String runId) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          RunStatus run = runs.run(connection, runId).orElseThrow(() -> runNotFound(runId));
          return new RunStatus(
              run.runId(),
              run.state(),
              run.mode(),
              run.planCatalogId(),
              run.createdAt(),
              run.finishedAt(),
              taskRuns.taskRuns(connection, runId));
        });
  }

  /** The run without its tasks: one row, however many tasks the run holds. */
  public RunStatus summary(String runId) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> runs.run(connection, runId).orElseThrow(() -> runNotFound(runId)));
  }

  /** The {@code limit} newest runs. */
  public List<RunStatus> recent(int limit) {
    return Jdbc.inTransaction(dataSource, connection -> runs.recentRuns(connection, limit));
  }

  /**
   * Where the newest version of a dataset lives: a task output's materialization, else a source's
   * newest recorded version.
   */
  public InputLocation location(DatasetName dataset) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          var held = materializations.materialization(connection, dataset);
          if (held.isPresent()) {
            return new InputLocation(
                dataset, held.get().version(), held.get().executorId(), held.get().flightUri());
          }
          InputLocation source = sources.locations(connection).get(dataset);
          if (source == null) {
            throw new RelspecException(
                SchedulerErrorCode.UNKNOWN_DATASET,
                "no executor is known to hold '" + dataset + "' (never built or uploaded)");
          }
          return source;
        });
  }

  /**
   * Everything a SQL reader can name: the newest version of every materialized output and source
   * with its holder, or with {@code runId} the versions that run read and wrote (a consistent set
   * while later runs write new ones), plus the views and functions of the matching plan catalog.
   */
  public DatasetDirectory directory(String runId) {
    return Jdbc.inTransaction(dataSource, connection -> directory(connection, runId));
  }

  /**
   * The directory as the newest succeeded run of a catalog snapshot (or plan catalog) left it: the
   * outputs that snapshot's tasks computed, read consistently.
   */
  public DatasetDirectory directoryOfSnapshot(String snapshot) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          String runId =
              runs.newestSucceededRunOf(connection, snapshot)
                  .orElseThrow(
                      () ->
                          new RelspecException(
                              SchedulerErrorCode.RUN_NOT_FOUND,
                              "no succeeded run of catalog snapshot or plan catalog '"
                                  + snapshot
                                  + "'"));
          return directory(connection, runId);
        });
  }

  DatasetDirectory directory(Connection connection, String runId) throws SQLException {
    Map<DatasetName, InputLocation> sourceLocations = sources.locations(connection);
    Map<DatasetName, Materialization> outputs = materializations.materializations(connection);
    Map<DatasetName, InputLocation> datasets = new TreeMap<>();
    TaskGraph graph;
    if (runId == null) {
      graph = planCatalogs.latestIfAny(connection).orElse(null);
      datasets.putAll(sourceLocations);
      outputs.forEach(
          (name, held) ->
              datasets.put(
                  name,
                  new InputLocation(name, held.version(), held.executorId(), held.flightUri())));
    } else {
      RunStatus run = runs.run(connection, runId).orElseThrow(() -> runNotFound(runId));
      graph = planCatalogs.byId(connection, run.planCatalogId());
      // An executor's Flight URI does not depend on the version it holds.
      Map<String, String> uris = new HashMap<>();
      sourceLocations.values().stream()
          .filter(l -> l.executorId() != null && l.flightUri() != null)
          .forEach(l -> uris.put(l.executorId(), l.flightUri()));
      outputs.values().stream()
          .filter(m -> m.flightUri() != null)
          .forEach(m -> uris.put(m.executorId(), m.flightUri()));
      for (TaskRunStatus task : taskRuns.taskRuns(connection, runId)) {
        if (task.datasetVersion() != null && task.executorId() != null) {
          datasets.put(
              task.output(),
              new InputLocation(
                  task.output(),
                  task.datasetVersion(),
                  task.executorId(),
                  uris.get(task.executorId())));
        }
        taskRuns
            .inputVersions(connection, runId, task.task())
            .forEach(
                (input, version) -> {
                  InputLocation source = sourceLocations.get(input);
                  if (version != null
                      && source != null
                      && graph.producer(input) == null
                      && !datasets.containsKey(input)) {
                    datasets.put(
                        input,
                        new InputLocation(input, version, source.executorId(), source.flightUri()));
                  }
                });
      }
    }
    List<ViewDefinition> views = new ArrayList<>();
    List<MacroDefinition> macros = new ArrayList<>();
    if (graph != null) {
      for (TaskName task : graph.topologicalOrder()) {
        PlanArtifact plan = graph.plan(task);
        if (plan != null && plan.kind() == TaskKind.VIEW) {
          views.add(new ViewDefinition(plan.output(), plan.sql()));
        }
      }
      graph
          .catalog()
          .functions()
          .forEach(
              (name, function) ->
                  macros.add(
                      new MacroDefinition(
                          name,
                          function.parameters().stream().map(FunctionSpec.Parameter::name).toList(),
                          function.expression())));
    }
    return new DatasetDirectory(
        graph == null ? null : graph.planCatalogId(),
        runId,
        List.copyOf(datasets.values()),
        views,
        macros);
  }

  /** The newest version of every source the scheduler has heard of, by dataset name. */
  public List<InputLocation> sourceVersions() {
    return Jdbc.inTransaction(
        dataSource,
        connection ->
            sources.locations(connection).values().stream()
                .sorted(java.util.Comparator.comparing(l -> l.dataset().value()))
                .toList());
  }

  /** Durations of each task's newest successful attempt. */
  public Map<TaskName, Long> lastDurations() {
    return Jdbc.inTransaction(dataSource, taskRuns::lastDurations);
  }

  static RelspecException runNotFound(String runId) {
    return new RelspecException(SchedulerErrorCode.RUN_NOT_FOUND, "no run with id '" + runId + "'");
  }
}
