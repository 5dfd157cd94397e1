package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.client.ServiceClient;
import io.relspec.platform.error.ProblemDetails;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.EmitterMessageSender;
import io.relspec.platform.outbox.Outbox;
import io.relspec.platform.security.ApiTokens;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.plans.PlanCatalogStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Runs: plans a run over the newest plan catalog, dispatches ready tasks to the executors' work
 * queue (through the outbox, in the same transaction as the state change), and advances the run on
 * every completion. Completions of an old attempt are ignored.
 */
@ApplicationScoped
public class RunService {
  private static final Logger LOG = Logger.getLogger(RunService.class);
  private static final int RECENT_RUNS = 100;

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final ServiceClient compiler;
  private final Outbox outbox;
  private final RunStore runs = new RunStore();
  private final PlanCatalogStore planCatalogs = new PlanCatalogStore();
  private final RunPlanner planner = new RunPlanner();
  private final Map<String, LoadedPlan> loadedPlans =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LoadedPlan> eldest) {
              return size() > 4;
            }
          });

  private record LoadedPlan(PlanCatalog catalog, TaskGraph graph) {}

  public RunService(
      @DataSource("scheduler") AgroalDataSource dataSource,
      SchedulerConfig config,
      ApiTokens tokens,
      @Channel("task-run-requested") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> taskRunRequested,
      @Channel("run-finished") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> runFinished) {
    this.dataSource = dataSource;
    this.config = config;
    this.compiler =
        new ServiceClient(
            "compiler-service",
            config.compilerUrl(),
            tokens.clientToken(),
            config.compilerTimeout());
    this.outbox =
        new Outbox(
            dataSource,
            new EmitterMessageSender(
                "scheduler",
                Map.of(
                    MessageType.TASK_RUN_REQUESTED,
                    taskRunRequested,
                    MessageType.RUN_FINISHED,
                    runFinished)),
            "scheduler",
            config.outboxPollInterval(),
            config.publishConfirmTimeout());
  }

  void stop(@Observes ShutdownEvent event) {
    outbox.close();
  }

  public void onPlanCatalogCompiled(PlanCatalogCompiled event) {
    PlanCatalog catalog =
        compiler.get("/api/v1/plan-catalogs/" + event.planCatalogId(), PlanCatalog.class);
    boolean saved =
        Jdbc.inTransaction(dataSource, connection -> planCatalogs.save(connection, catalog));
    if (saved) {
      LOG.infof(
          "plan catalog %s for snapshot %s: %d plans, %d compile failures",
          shortId(catalog.id()),
          shortId(catalog.snapshotId()),
          catalog.plans().size(),
          catalog.failures().size());
    }
  }

  public PlanCatalog latestPlanCatalog() {
    return Jdbc.inTransaction(dataSource, planCatalogs::latest)
        .orElseThrow(
            () ->
                new RelspecException(
                    SchedulerErrorCode.NO_PLAN_CATALOG,
                    "no plan catalog has been compiled yet: register tasks in the catalog first"));
  }

  /**
   * Plans and starts a run; the request's eventId is the run id, so a redelivery starts nothing
   * twice.
   */
  public RunAccepted start(RunRequested request) {
    String runId = request.eventId().toString();
    RunAccepted accepted =
        Jdbc.inTransaction(
            dataSource,
            connection -> {
              if (runs.runExists(connection, runId)) {
                return new RunAccepted(runId, plannedFromStore(connection, runId));
              }
              PlanCatalog catalog =
                  planCatalogs
                      .latest(connection)
                      .orElseThrow(
                          () ->
                              new RelspecException(
                                  SchedulerErrorCode.NO_PLAN_CATALOG,
                                  "no plan catalog has been compiled yet: register tasks in the catalog first"));
              LoadedPlan loaded = load(catalog);
              RunPlanner.Plan plan =
                  planner.plan(catalog, loaded.graph(), request, runs.materializations(connection));
              List<RunPlanner.Problem> refusing =
                  plan.problems().stream()
                      .filter(
                          problem ->
                              !request.allowPartial() || problem.code().startsWith("UNKNOWN_"))
                      .toList();
              if (!refusing.isEmpty()) {
                throw new RelspecException(
                    refusing.stream().allMatch(problem -> problem.code().equals("UNKNOWN_TARGET"))
                        ? SchedulerErrorCode.UNKNOWN_TARGET
                        : refusing.stream()
                                .allMatch(problem -> problem.code().equals("UNKNOWN_TASK"))
                            ? SchedulerErrorCode.UNKNOWN_TASK
                            : SchedulerErrorCode.VALIDATION_FAILED,
                    refusing.size()
                        + " problem(s) refuse this run"
                        + (request.allowPartial()
                            ? ""
                            : "; fix them or set allowPartial to run what is unaffected"),
                    refusing.stream()
                        .map(
                            problem ->
                                new ProblemDetails.Violation(
                                    problem.task() == null
                                        ? problem.code()
                                        : problem.task().value(),
                                    problem.code() + ": " + problem.message()))
                        .toList(),
                    null);
              }
              Instant now = Instant.now();
              runs.insertRun(connection, runId, catalog.id(), request, RunState.RUNNING, now);
              for (PlannedTask task : plan.tasks()) {
                PlanArtifact artifact = catalog.plans().get(task.task());
                TaskRunState state =
                    switch (task.action()) {
                      case RUN -> TaskRunState.PENDING;
                      case REUSE -> TaskRunState.REUSED;
                      case SKIP -> TaskRunState.BLOCKED;
                    };
                runs.insertTaskRun(
                    connection,
                    runId,
                    new TaskRunStatus(
                        task.task(),
                        task.output(),
                        artifact.fingerprint(),
                        artifact.priority(),
                        task.action(),
                        task.reason(),
                        state,
                        0,
                        null,
                        null,
                        null,
                        null,
                        task.action() == TaskAction.SKIP ? "BLOCKED" : null,
                        task.blockedBy()),
                    now);
              }
              advance(connection, runId, loaded, now);
              return new RunAccepted(runId, plan.tasks());
            });
    outbox.wake();
    LOG.infof("run %s accepted: %d tasks planned", runId, accepted.plan().size());
    return accepted;
  }

  public void onTaskRunSucceeded(TaskRunSucceeded event) {
    onCompletion(
        event.runId(),
        event.task(),
        event.attempt(),
        (task, loaded, connection, now) -> {
          runs.saveMaterialization(
              connection,
              new Materialization(
                  event.output(),
                  event.task(),
                  task.fingerprint(),
                  event.datasetVersion(),
                  event.executorId(),
                  event.flightUri(),
                  event.rows()),
              event.runId(),
              now);
          return List.of(
              task.progress(
                  TaskRunState.SUCCEEDED,
                  task.attempt(),
                  event.executorId(),
                  event.rows(),
                  event.durationMillis(),
                  event.datasetVersion(),
                  null,
                  null));
        });
  }

  public void onTaskRunFailed(TaskRunFailed event) {
    onCompletion(
        event.runId(),
        event.task(),
        event.attempt(),
        (task, loaded, connection, now) -> {
          boolean retry = event.retryable() && task.attempt() < config.maxAttempts();
          TaskRunStatus failed =
              task.progress(
                  retry ? TaskRunState.PENDING : TaskRunState.FAILED,
                  task.attempt(),
                  event.executorId(),
                  null,
                  event.durationMillis(),
                  null,
                  event.errorCode(),
                  event.message());
          if (retry) {
            LOG.warnf(
                "run %s: %s attempt %d failed (%s), retrying",
                event.runId(), task.task(), task.attempt(), event.errorCode());
            return List.of(failed);
          }
          List<TaskRunStatus> updates = new ArrayList<>(List.of(failed));
          for (TaskRunStatus other : runs.taskRuns(connection, event.runId())) {
            if (loaded.graph().descendants(task.task()).contains(other.task())
                && !other.state().isTerminal()) {
              updates.add(
                  other.progress(
                      TaskRunState.SKIPPED,
                      other.attempt(),
                      null,
                      null,
                      null,
                      null,
                      "UPSTREAM_FAILED",
                      "upstream task '" + task.task() + "' failed"));
            }
          }
          return updates;
        });
  }

  public void onHeartbeat(TaskRunHeartbeat event) {
    TaskName task = TaskName.of(event.taskRunId().substring(event.taskRunId().indexOf('/') + 1));
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          if (runs.lockRun(connection, event.runId()).isEmpty()) {
            return null;
          }
          for (TaskRunStatus current : runs.taskRuns(connection, event.runId())) {
            if (current.task().equals(task)
                && current.attempt() == event.attempt()
                && current.state() == TaskRunState.DISPATCHED) {
              runs.updateTaskRun(
                  connection,
                  event.runId(),
                  current.progress(
                      TaskRunState.RUNNING,
                      current.attempt(),
                      event.executorId(),
                      null,
                      null,
                      null,
                      null,
                      null),
                  Instant.now());
            }
          }
          return null;
        });
  }

  public RunStatus cancel(String runId) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          RunStatus run = runs.lockRun(connection, runId).orElseThrow(() -> runNotFound(runId));
          if (run.state().isTerminal()) {
            throw new RelspecException(
                SchedulerErrorCode.RUN_ALREADY_FINISHED,
                "run " + runId + " already finished as " + run.state());
          }
          Instant now = Instant.now();
          for (TaskRunStatus task : runs.taskRuns(connection, runId)) {
            if (!task.state().isTerminal()) {
              runs.updateTaskRun(
                  connection,
                  runId,
                  task.progress(
                      TaskRunState.SKIPPED,
                      task.attempt(),
                      task.executorId(),
                      null,
                      null,
                      null,
                      "CANCELLED",
                      "run cancelled"),
                  now);
            }
          }
          finish(connection, run, RunState.CANCELLED, now);
          return null;
        });
    outbox.wake();
    return status(runId);
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
              runs.taskRuns(connection, runId));
        });
  }

  public List<RunStatus> recent() {
    return Jdbc.inTransaction(dataSource, connection -> runs.recentRuns(connection, RECENT_RUNS));
  }

  @FunctionalInterface
  private interface CompletionUpdate {
    List<TaskRunStatus> apply(
        TaskRunStatus task, LoadedPlan loaded, Connection connection, Instant now)
        throws SQLException;
  }

  private void onCompletion(String runId, TaskName taskName, int attempt, CompletionUpdate update) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          var run = runs.lockRun(connection, runId);
          if (run.isEmpty() || run.get().state().isTerminal()) {
            LOG.debugf("ignoring completion of %s for unknown or finished run %s", taskName, runId);
            return null;
          }
          TaskRunStatus task =
              runs.taskRuns(connection, runId).stream()
                  .filter(candidate -> candidate.task().equals(taskName))
                  .findFirst()
                  .orElse(null);
          if (task == null
              || task.attempt() != attempt
              || !(task.state() == TaskRunState.DISPATCHED
                  || task.state() == TaskRunState.RUNNING)) {
            LOG.debugf(
                "ignoring stale completion of %s attempt %d in run %s", taskName, attempt, runId);
            return null;
          }
          LoadedPlan loaded = load(run.get().planCatalogId(), connection);
          Instant now = Instant.now();
          for (TaskRunStatus changed : update.apply(task, loaded, connection, now)) {
            runs.updateTaskRun(connection, runId, changed, now);
          }
          advance(connection, runId, loaded, now);
          return null;
        });
    outbox.wake();
  }

  /**
   * Dispatches every pending task whose upstream outputs exist; finishes the run when all are
   * terminal.
   */
  private void advance(Connection connection, String runId, LoadedPlan loaded, Instant now)
      throws SQLException {
    List<TaskRunStatus> tasks = runs.taskRuns(connection, runId);
    Map<TaskName, TaskRunStatus> byTask =
        tasks.stream().collect(Collectors.toMap(TaskRunStatus::task, Function.identity()));
    Map<DatasetName, Materialization> locations = runs.materializations(connection);
    List<TaskRunStatus> ready =
        tasks.stream()
            .filter(task -> task.state() == TaskRunState.PENDING)
            .filter(
                task ->
                    loaded.graph().upstreamTasks(task.task()).stream()
                        .allMatch(
                            parent ->
                                byTask.get(parent) == null
                                    || byTask.get(parent).state().providesOutput()))
            .sorted(
                Comparator.comparingInt(TaskRunStatus::priority).thenComparing(TaskRunStatus::task))
            .toList();
    for (TaskRunStatus task : ready) {
      int attempt = task.attempt() + 1;
      PlanArtifact plan = loaded.catalog().plans().get(task.task());
      List<InputLocation> inputs = new ArrayList<>();
      for (DatasetName input : plan.physicalInputs()) {
        Materialization location =
            loaded.graph().producer(input) == null ? null : locations.get(input);
        inputs.add(
            location == null
                ? new InputLocation(input, null, null, null)
                : new InputLocation(
                    input, location.version(), location.executorId(), location.flightUri()));
      }
      outbox.append(
          connection,
          new TaskRunRequested(
              UUID.randomUUID(),
              now,
              runId,
              runId + "/" + task.task(),
              task.task(),
              attempt,
              plan.output(),
              plan.executableSql(),
              plan.fingerprint(),
              inputs,
              List.of(),
              TaskRunRequested.WriteMode.REPLACE,
              null,
              List.of(),
              now.plus(config.taskTimeout())));
      runs.updateTaskRun(
          connection,
          runId,
          task.progress(TaskRunState.DISPATCHED, attempt, null, null, null, null, null, null),
          now);
      byTask.put(task.task(), task.withState(TaskRunState.DISPATCHED));
    }
    if (byTask.values().stream().allMatch(task -> task.state().isTerminal())) {
      boolean failed =
          byTask.values().stream()
              .anyMatch(
                  task ->
                      task.state() == TaskRunState.FAILED || task.state() == TaskRunState.BLOCKED);
      finish(
          connection,
          runs.run(connection, runId).orElseThrow(),
          failed ? RunState.FAILED : RunState.SUCCEEDED,
          now);
    }
  }

  private void finish(Connection connection, RunStatus run, RunState state, Instant now)
      throws SQLException {
    runs.finishRun(connection, run.runId(), state, now);
    Map<String, Integer> counts = new TreeMap<>();
    Map<TaskRunState, Integer> byState = new EnumMap<>(TaskRunState.class);
    for (TaskRunStatus task : runs.taskRuns(connection, run.runId())) {
      byState.merge(task.state(), 1, Integer::sum);
    }
    byState.forEach((taskState, count) -> counts.put(taskState.name(), count));
    outbox.append(
        connection,
        new RunFinished(
            UUID.randomUUID(),
            now,
            run.runId(),
            state,
            counts,
            Duration.between(run.createdAt(), now).toMillis()));
    LOG.infof("run %s finished: %s %s", run.runId(), state, counts);
  }

  private List<PlannedTask> plannedFromStore(Connection connection, String runId)
      throws SQLException {
    return runs.taskRuns(connection, runId).stream()
        .map(
            task ->
                new PlannedTask(
                    task.task(), task.output(), task.action(), task.reason(), List.of(), null))
        .toList();
  }

  private LoadedPlan load(String planCatalogId, Connection connection) throws SQLException {
    LoadedPlan cached = loadedPlans.get(planCatalogId);
    if (cached != null) {
      return cached;
    }
    return load(
        planCatalogs
            .get(connection, planCatalogId)
            .orElseThrow(
                () -> new IllegalStateException("plan catalog " + planCatalogId + " is gone")));
  }

  private LoadedPlan load(PlanCatalog catalog) {
    return loadedPlans.computeIfAbsent(
        catalog.id(),
        id -> {
          try {
            return new LoadedPlan(catalog, TaskGraph.build(catalog));
          } catch (TaskGraph.CycleException e) {
            throw new RelspecException(
                SchedulerErrorCode.VALIDATION_FAILED,
                e.getMessage(),
                List.of(new ProblemDetails.Violation("CYCLE", e.getMessage())),
                e);
          }
        });
  }

  private static RelspecException runNotFound(String runId) {
    return new RelspecException(SchedulerErrorCode.RUN_NOT_FOUND, "no run with id '" + runId + "'");
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
