package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.platform.error.ProblemDetails;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.EmitterMessageSender;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.BlockedReason;
import io.relspec.scheduler.graph.GraphDiagnosticCode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.leadership.Leadership;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.lineage.OpenLineageEvents;
import io.relspec.scheduler.plans.PlanCatalogs;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Runs: plans a run over the newest plan catalog, dispatches ready tasks to the executors' work
 * queue (through the outbox, in the same transaction as the state change), and advances the run on
 * every completion. All run state lives in the database, so a restarted scheduler carries on.
 *
 * <p>Completions of an old attempt, and repeated completions, are ignored. A retryable failure is
 * retried after an exponential backoff; an attempt whose heartbeats stop past its lease (or that no
 * executor picks up) is taken as lost and dispatched again. A periodic sweep applies both.
 */
@ApplicationScoped
public class RunService {
  private static final Logger LOG = Logger.getLogger(RunService.class);

  /** Priority (lower first), then name. */
  private static final Comparator<RunStore.TaskProgress> DISPATCH_ORDER =
      Comparator.comparingInt(RunStore.TaskProgress::priority)
          .thenComparing(RunStore.TaskProgress::task);

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final PlanCatalogs planCatalogs;
  private final Outbox outbox;
  private final RunStore runs = new RunStore();
  private final SourceStore sources = new SourceStore();
  private final RunPlanner planner = new RunPlanner();
  private final Leadership leadership;
  private final Lineage lineage;
  private ScheduledExecutorService sweeper;

  public RunService(
      @DataSource("scheduler") AgroalDataSource dataSource,
      SchedulerConfig config,
      PlanCatalogs planCatalogs,
      Leadership leadership,
      Lineage lineage,
      @Channel("task-run-requested") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> taskRunRequested,
      @Channel("run-finished") @Broadcast @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> runFinished) {
    this.dataSource = dataSource;
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.leadership = leadership;
    this.lineage = lineage;
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
            config.publishConfirmTimeout(),
            leadership::active);
  }

  void start(@Observes StartupEvent event) {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "scheduler-sweeper");
              thread.setDaemon(true);
              return thread;
            });
    long interval = config.sweepInterval().toMillis();
    sweeper.scheduleWithFixedDelay(this::sweepSafely, interval, interval, TimeUnit.MILLISECONDS);
    // A replica taking over catches up at once: expired leases, due retries, pending messages.
    leadership.whenActive(
        () -> {
          sweeper.execute(this::sweepSafely);
          outbox.wake();
        });
  }

  void stop(@Observes ShutdownEvent event) {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    outbox.close();
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
                return new RunAccepted(runId, plannedFromStore(connection, runId), List.of());
              }
              TaskGraph graph = planCatalogs.latest(connection);
              PlanCatalog catalog = graph.catalog();
              RunPlanner.Plan plan =
                  planner.plan(
                      graph,
                      request,
                      sources.planningState(connection, runs.materializations(connection)));
              refuseIfProblems(request, plan);
              Instant now = Instant.now();
              runs.insertRun(connection, runId, catalog.id(), request, RunState.RUNNING, now);
              lineage.append(
                  connection,
                  lineage
                      .events()
                      .run("START", runId, now, request.mode().name(), catalog.id(), null, null));
              for (PlannedTask task : plan.tasks()) {
                PlanArtifact artifact = catalog.plans().get(task.task());
                TaskRunState state =
                    switch (task.action()) {
                      case RUN -> TaskRunState.PENDING;
                      case REUSE -> TaskRunState.REUSED;
                      case SKIP ->
                          task.reason() == SelectionReason.INLINED
                              ? TaskRunState.SKIPPED
                              : TaskRunState.BLOCKED;
                    };
                String errorCode = task.blockedBy() == null ? null : task.blockedBy().code().name();
                runs.insertTaskRun(
                    connection,
                    runId,
                    new TaskRunStatus(
                        task.task(),
                        task.output(),
                        artifact.kind().wireName(),
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
                        errorCode,
                        task.blockedBy() == null ? null : task.blockedBy().toString(),
                        task.fileIds().size(),
                        null),
                    now);
                runs.insertFileIds(connection, runId, task.task(), task.fileIds());
              }
              for (DatasetName dataset : plan.retired()) {
                runs.deleteMaterialization(connection, dataset);
              }
              advance(connection, runId, graph, now);
              return new RunAccepted(runId, plan.tasks(), plan.retired());
            });
    outbox.wake();
    lineage.wake();
    Map<TaskAction, Long> actions =
        accepted.plan().stream()
            .collect(
                Collectors.groupingBy(PlannedTask::action, TreeMap::new, Collectors.counting()));
    LOG.infof(
        "run %s accepted (%s): %s%s",
        runId,
        request.mode().name().toLowerCase(java.util.Locale.ROOT),
        actions,
        accepted.retired().isEmpty() ? "" : ", retired " + accepted.retired());
    return accepted;
  }

  /**
   * Plans {@code request} as {@link #start} would, in a transaction that writes nothing: no run, no
   * task state, no retired output. Problems are returned, not thrown, with whether they would
   * refuse the run.
   */
  public RunPreview preview(RunRequested request) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          TaskGraph graph = planCatalogs.latest(connection);
          RunPlanner.Plan plan =
              planner.plan(
                  graph,
                  request,
                  sources.planningState(connection, runs.materializations(connection)));
          return new RunPreview(
              true,
              graph.catalog().id(),
              plan.tasks(),
              plan.retired(),
              plan.problems(),
              !refusing(request, plan).isEmpty());
        });
  }

  /**
   * Records a source update; with {@code triggerRun} it starts an incremental run of everything
   * (allowing a partial run, since nobody is there to read a refusal).
   */
  public void onSourceDataUpdated(SourceDataUpdated event) {
    boolean recorded =
        Jdbc.inTransaction(
            dataSource, connection -> sources.record(connection, event, Instant.now()));
    LOG.infof(
        "source %s updated%s: %d file ids changed, %d removed",
        event.dataset(),
        event.datasetVersion() == null ? "" : " to version " + event.datasetVersion(),
        event.changedFileIds().size(),
        event.removedFileIds().size());
    if (recorded && event.triggerRun()) {
      start(
          new RunRequested(
              UUID.nameUUIDFromBytes(
                  ("source-data-updated/" + event.eventId()).getBytes(StandardCharsets.UTF_8)),
              Instant.now(),
              "source-data-updated:" + event.dataset(),
              RunMode.INCREMENTAL,
              List.of(),
              Map.of(),
              Map.of(),
              List.of(),
              true));
    }
  }

  public void onTaskRunSucceeded(TaskRunSucceeded event) {
    onCompletion(
        event.runId(),
        event.task(),
        event.attempt(),
        (task, graph, connection, now) -> {
          // Early cutoff: the new version equals the previous one in content, which the readers
          // built from that previous version need not re-read.
          Long sameAs = null;
          Optional<Materialization> previous = runs.materialization(connection, event.output());
          if (event.contentHash() != null) {
            if (previous.isPresent()
                && previous.get().version() != event.datasetVersion()
                && event
                    .contentHash()
                    .equals(runs.contentHash(connection, event.output()).orElse(null))) {
              sameAs = previous.get().version();
            }
          }
          runs.markContentSameAs(connection, event.runId(), event.task(), sameAs);
          // Early cutoff by partition: which file ids' partitions a full rewrite changed.
          runs.markChangedPartitions(
              connection,
              event.runId(),
              event.task(),
              event.changedFileIds() == null || task.fileCount() > 0
                  ? null
                  : OutputPartitions.column(graph, event.task()),
              event.changedFileIds() == null ? List.of() : event.changedFileIds());
          // Column-aware rebuilds: which output columns the new version may have changed.
          runs.markChangedColumns(
              connection,
              event.runId(),
              event.task(),
              sameAs != null
                  ? null
                  : changedColumns(
                      connection,
                      event.runId(),
                      task,
                      graph,
                      previous.orElse(null),
                      runs.inputVersions(connection, event.runId(), event.task())));
          lineage.append(
              connection,
              lineage
                  .events()
                  .task(
                      "COMPLETE",
                      event.runId(),
                      graph.plan(event.task()),
                      graph.catalog(),
                      new OpenLineageEvents.Attempt(
                          task.attempt(),
                          task.reason().wireName(),
                          task.fileCount(),
                          event.executorId(),
                          runs.inputVersions(connection, event.runId(), event.task()),
                          event.datasetVersion(),
                          event.rows(),
                          event.bytes(),
                          null),
                      now));
          runs.saveMaterialization(
              connection,
              new Materialization(
                  event.output(),
                  event.task(),
                  task.fingerprint(),
                  event.datasetVersion(),
                  event.executorId(),
                  event.flightUri(),
                  event.rows(),
                  runs.inputVersions(connection, event.runId(), event.task())),
              event.contentHash(),
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
        (task, graph, connection, now) ->
            event.errorCode() == TaskFailureCode.INPUT_NOT_AVAILABLE
                    && !event.unavailableInputs().isEmpty()
                ? inputsLost(connection, event, task, graph, now)
                : failed(
                    connection,
                    event.runId(),
                    task,
                    graph,
                    event.executorId(),
                    event.durationMillis(),
                    event.errorCode(),
                    event.message(),
                    event.retryable(),
                    now));
  }

  public void onHeartbeat(TaskRunHeartbeat event) {
    TaskName task = event.taskName();
    Jdbc.inTransaction(
        dataSource,
        connection ->
            runs.markHeartbeat(
                connection,
                event.runId(),
                task,
                event.attempt(),
                event.executorId(),
                Instant.now()));
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
          TaskGraph graph = planCatalogs.byId(connection, run.planCatalogId());
          for (TaskRunStatus task : runs.taskRuns(connection, runId)) {
            if (!task.state().isTerminal()) {
              lineage.append(
                  connection,
                  lineage
                      .events()
                      .task(
                          "ABORT",
                          runId,
                          graph.plan(task.task()),
                          graph.catalog(),
                          attemptOf(
                              task,
                              task.executorId(),
                              TaskFailureCode.CANCELLED + ": run cancelled"),
                          now));
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
                      TaskFailureCode.CANCELLED.name(),
                      "run cancelled"),
                  now);
            }
          }
          finish(connection, run, RunState.CANCELLED, now);
          return null;
        });
    outbox.wake();
    lineage.wake();
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
          var held = runs.materialization(connection, dataset);
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

  private DatasetDirectory directory(Connection connection, String runId) throws SQLException {
    Map<DatasetName, InputLocation> sourceLocations = sources.locations(connection);
    Map<DatasetName, Materialization> outputs = runs.materializations(connection);
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
      for (TaskRunStatus task : runs.taskRuns(connection, runId)) {
        if (task.datasetVersion() != null && task.executorId() != null) {
          datasets.put(
              task.output(),
              new InputLocation(
                  task.output(),
                  task.datasetVersion(),
                  task.executorId(),
                  uris.get(task.executorId())));
        }
        runs.inputVersions(connection, runId, task.task())
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
    return Jdbc.inTransaction(dataSource, runs::lastDurations);
  }

  /**
   * Applies leases and due retries: an attempt that stopped heart-beating (or was never picked up)
   * fails as {@code EXECUTOR_LOST}, which is retryable; a retry whose backoff passed is dispatched.
   */
  public void sweep() {
    Instant now = Instant.now();
    List<RunStore.ExpiredAttempt> expired =
        Jdbc.inTransaction(
            dataSource,
            connection ->
                runs.expiredAttempts(
                    connection,
                    now.minus(config.dispatchLease()),
                    now.minus(config.heartbeatLease())));
    for (RunStore.ExpiredAttempt attempt : expired) {
      String message =
          attempt.started()
              ? "no heartbeat from executor "
                  + attempt.executorId()
                  + " for "
                  + config.heartbeatLease().toSeconds()
                  + " s; taking it as lost"
              : "no executor started the attempt within "
                  + config.dispatchLease().toSeconds()
                  + " s";
      LOG.warnf(
          "run %s: %s attempt %d: %s", attempt.runId(), attempt.task(), attempt.attempt(), message);
      onCompletion(
          attempt.runId(),
          attempt.task(),
          attempt.attempt(),
          (task, graph, connection, at) ->
              failed(
                  connection,
                  attempt.runId(),
                  task,
                  graph,
                  attempt.executorId(),
                  null,
                  TaskFailureCode.EXECUTOR_LOST,
                  message,
                  TaskFailureCode.EXECUTOR_LOST.retryable(),
                  at));
    }
    List<String> due =
        Jdbc.inTransaction(dataSource, connection -> runs.runsWithDueRetries(connection, now));
    for (String runId : due) {
      Jdbc.inTransaction(
          dataSource,
          connection -> {
            var run = runs.lockRun(connection, runId);
            if (run.isPresent() && !run.get().state().isTerminal()) {
              advance(
                  connection,
                  runId,
                  planCatalogs.byId(connection, run.get().planCatalogId()),
                  Instant.now());
            }
            return null;
          });
    }
    if (!due.isEmpty()) {
      outbox.wake();
    }
  }

  private void sweepSafely() {
    if (!leadership.active()) {
      return;
    }
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warnf(e, "lease and retry sweep failed; trying again in %s", config.sweepInterval());
    }
  }

  private static List<RunPlanner.Problem> refusing(RunRequested request, RunPlanner.Plan plan) {
    return plan.problems().stream()
        .filter(problem -> !request.allowPartial() || problem.code().startsWith("UNKNOWN_"))
        .toList();
  }

  private void refuseIfProblems(RunRequested request, RunPlanner.Plan plan) {
    List<RunPlanner.Problem> refusing = refusing(request, plan);
    if (refusing.isEmpty()) {
      return;
    }
    Set<String> codes = new HashSet<>();
    refusing.forEach(problem -> codes.add(problem.code()));
    // One kind of unknown name is reported as that kind; anything else is a validation failure.
    SchedulerErrorCode code =
        codes.size() == 1 && codes.iterator().next().startsWith("UNKNOWN_")
            ? SchedulerErrorCode.valueOf(codes.iterator().next())
            : SchedulerErrorCode.VALIDATION_FAILED;
    throw new RelspecException(
        code,
        refusing.size()
            + " problem(s) refuse this run"
            + (request.allowPartial() || code != SchedulerErrorCode.VALIDATION_FAILED
                ? ""
                : "; fix them (GET /api/v1/validation) or set allowPartial to run what is unaffected"),
        refusing.stream()
            .map(
                problem ->
                    new ProblemDetails.Violation(
                        problem.task() == null ? problem.code() : problem.task().value(),
                        problem.code() + ": " + problem.message()))
            .toList(),
        null);
  }

  /** Rebuilds and waits for lost inputs use at most this many attempts of a task, in all. */
  private static final int LOST_INPUT_ATTEMPTS_FACTOR = 4;

  /**
   * An attempt could not read some inputs: their executor is unreachable, or pruned the version. A
   * lost task output is rebuilt on a live executor: its producer runs again in this run (whole, on
   * whichever executor takes it) and the task waits for it. For a lost source nothing can be
   * rebuilt, so the task waits for the holder to come back, retrying within {@code
   * lost-input-wait}. Neither uses up the task's attempts (bounded at {@value
   * #LOST_INPUT_ATTEMPTS_FACTOR}× max-attempts); past them it fails as any other attempt would.
   */
  private List<TaskRunStatus> inputsLost(
      Connection connection, TaskRunFailed event, TaskRunStatus task, TaskGraph graph, Instant now)
      throws SQLException {
    String runId = event.runId();
    List<TaskRunStatus> updates = new ArrayList<>();
    boolean waitForSource = false;
    for (DatasetName input : event.unavailableInputs()) {
      TaskName producer = graph.producer(input);
      TaskRunStatus upstream =
          producer == null ? null : runs.taskRun(connection, runId, producer).orElse(null);
      if (upstream == null) {
        waitForSource = true;
      } else if (upstream.state().providesOutput()) {
        LOG.warnf(
            "run %s: %s could not read %s (%s); rebuilding it with %s",
            runId, task.task(), input, event.message(), producer);
        runs.clearFileIds(connection, runId, producer);
        updates.add(
            upstream.progress(
                TaskRunState.READY,
                upstream.attempt(),
                null,
                null,
                null,
                null,
                "REBUILDING",
                "its output was not available to " + task.task() + ": " + event.message()));
      }
    }
    boolean withinBudget = task.attempt() < config.maxAttempts() * LOST_INPUT_ATTEMPTS_FACTOR;
    Instant waitingSince =
        waitForSource ? runs.waitingForInputsSince(connection, runId, task.task(), now) : now;
    boolean withinWait = !now.isAfter(waitingSince.plus(config.lostInputWait()));
    if (!withinBudget || !withinWait) {
      return failed(
          connection,
          runId,
          task,
          graph,
          event.executorId(),
          event.durationMillis(),
          event.errorCode(),
          event.message()
              + (withinWait
                  ? ""
                  : " (waited " + config.lostInputWait().toSeconds() + " s for its holder)"),
          false,
          now);
    }
    TaskRunStatus waiting =
        task.progress(
            TaskRunState.PENDING,
            task.attempt(),
            event.executorId(),
            null,
            event.durationMillis(),
            null,
            event.errorCode().name(),
            event.message());
    updates.add(waitForSource ? waiting.retryAt(now.plus(backoff(task.attempt()))) : waiting);
    return updates;
  }

  /** A failed attempt: retried after a backoff while attempts remain, else final. */
  private List<TaskRunStatus> failed(
      Connection connection,
      String runId,
      TaskRunStatus task,
      TaskGraph graph,
      String executorId,
      Long durationMillis,
      TaskFailureCode errorCode,
      String message,
      boolean retryable,
      Instant now)
      throws SQLException {
    boolean retry = retryable && task.attempt() < config.maxAttempts();
    TaskRunStatus failed =
        task.progress(
            retry ? TaskRunState.PENDING : TaskRunState.FAILED,
            task.attempt(),
            executorId,
            null,
            durationMillis,
            null,
            errorCode.name(),
            message);
    lineage.append(
        connection,
        lineage
            .events()
            .task(
                retry ? "RUNNING" : "FAIL",
                runId,
                graph.plan(task.task()),
                graph.catalog(),
                attemptOf(task, executorId, errorCode + ": " + message),
                now));
    if (retry) {
      Instant due = now.plus(backoff(task.attempt()));
      LOG.warnf(
          "run %s: %s attempt %d failed (%s), retrying at %s",
          runId, task.task(), task.attempt(), errorCode, due);
      return List.of(failed.retryAt(due));
    }
    LOG.warnf(
        "run %s: %s failed for good after %d attempt(s): %s %s",
        runId, task.task(), task.attempt(), errorCode, message);
    List<TaskRunStatus> updates = new ArrayList<>(List.of(failed));
    Set<TaskName> downstream = graph.descendants(task.task());
    for (TaskRunStatus other : runs.taskRuns(connection, runId)) {
      if (downstream.contains(other.task()) && !other.state().isTerminal()) {
        lineage.append(
            connection,
            lineage
                .events()
                .task(
                    "ABORT",
                    runId,
                    graph.plan(other.task()),
                    graph.catalog(),
                    attemptOf(
                        other,
                        null,
                        TaskFailureCode.UPSTREAM_FAILED
                            + ": upstream task '"
                            + task.task()
                            + "' failed"),
                    now));
        updates.add(
            other.progress(
                TaskRunState.SKIPPED,
                other.attempt(),
                null,
                null,
                null,
                null,
                TaskFailureCode.UPSTREAM_FAILED.name(),
                "upstream task '" + task.task() + "' failed"));
      }
    }
    return updates;
  }

  private Duration backoff(int attempt) {
    Duration delay = config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    return delay.compareTo(config.retryBackoffMax()) > 0 ? config.retryBackoffMax() : delay;
  }

  @FunctionalInterface
  private interface CompletionUpdate {
    List<TaskRunStatus> apply(
        TaskRunStatus task, TaskGraph graph, Connection connection, Instant now)
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
          TaskRunStatus task = runs.taskRun(connection, runId, taskName).orElse(null);
          if (task == null
              || task.attempt() != attempt
              || !(task.state() == TaskRunState.DISPATCHED
                  || task.state() == TaskRunState.RUNNING)) {
            LOG.debugf(
                "ignoring stale or repeated completion of %s attempt %d in run %s",
                taskName, attempt, runId);
            return null;
          }
          TaskGraph graph = planCatalogs.byId(connection, run.get().planCatalogId());
          Instant now = Instant.now();
          for (TaskRunStatus changed : update.apply(task, graph, connection, now)) {
            runs.updateTaskRun(connection, runId, changed, now);
            if (changed.retryAt() != null) {
              runs.scheduleRetry(connection, runId, changed.task(), changed.retryAt());
            }
          }
          advanceAfter(connection, runId, graph, taskName, now);
          return null;
        });
    outbox.wake();
    lineage.wake();
  }

  /**
   * {@link #advance} after one task finished, reading only what that can change: the finished
   * task's downstream tasks (and their other inputs' states), the READY tasks waiting for a slot,
   * and the counts of in-flight and unfinished tasks. A task whose retry comes due is dispatched by
   * the sweep. Per completion this costs the same for a run of ten tasks or of a hundred thousand.
   */
  private void advanceAfter(
      Connection connection, String runId, TaskGraph graph, TaskName finished, Instant now)
      throws SQLException {
    Map<TaskName, RunStore.TaskProgress> ready = new HashMap<>();
    for (RunStore.TaskProgress task : runnableChildren(connection, runId, graph, finished, now)) {
      ready.put(task.task(), task);
    }
    for (RunStore.TaskProgress task : runs.taskProgress(connection, runId, TaskRunState.READY)) {
      ready.putIfAbsent(task.task(), task);
    }
    int dispatched = 0;
    if (!ready.isEmpty()) {
      long inFlight =
          runs.countInStates(connection, runId, TaskRunState.DISPATCHED, TaskRunState.RUNNING);
      dispatched =
          dispatchReady(
              connection,
              runId,
              graph,
              ready.values().stream().sorted(DISPATCH_ORDER).toList(),
              Math.max(0, config.maxParallelTasks() - inFlight),
              now);
    }
    if (dispatched == 0
        && runs.countInStates(
                connection,
                runId,
                TaskRunState.PENDING,
                TaskRunState.READY,
                TaskRunState.DISPATCHED,
                TaskRunState.RUNNING)
            == 0) {
      finish(
          connection,
          runId,
          runs.countInStates(connection, runId, TaskRunState.FAILED, TaskRunState.BLOCKED) > 0,
          now);
    }
  }

  /**
   * Pending or waiting for a slot, its retry (if any) due, and every physical upstream task of the
   * run has provided its output ({@code stateOf} gives null for a task outside the run).
   */
  private static boolean runnable(
      RunStore.TaskProgress task,
      TaskGraph graph,
      Function<TaskName, TaskRunState> stateOf,
      Instant now) {
    return (task.state() == TaskRunState.PENDING || task.state() == TaskRunState.READY)
        && (task.retryAt() == null || !task.retryAt().isAfter(now))
        && graph.physicalUpstreamTasks(task.task()).stream()
            .allMatch(
                parent -> {
                  TaskRunState state = stateOf.apply(parent);
                  return state == null || state.providesOutput();
                });
  }

  private void finish(Connection connection, String runId, boolean failed, Instant now)
      throws SQLException {
    finish(
        connection,
        runs.run(connection, runId).orElseThrow(),
        failed ? RunState.FAILED : RunState.SUCCEEDED,
        now);
  }

  /**
   * Dispatches ready tasks in the given order while slots remain and marks the rest READY; returns
   * how many it dispatched.
   */
  private int dispatchReady(
      Connection connection,
      String runId,
      TaskGraph graph,
      List<RunStore.TaskProgress> ready,
      long slots,
      Instant now)
      throws SQLException {
    Map<DatasetName, InputLocation> sourceLocations = null;
    int dispatched = 0;
    Deque<RunStore.TaskProgress> work = new ArrayDeque<>(ready);
    Set<TaskName> seen = new HashSet<>();
    while (!work.isEmpty()) {
      RunStore.TaskProgress task = work.poll();
      if (!seen.add(task.task())) {
        continue;
      }
      // A READY task was judged for cutoff when it first became runnable; it only waits for a slot.
      boolean judge = task.state() != TaskRunState.READY;
      if (!judge && dispatched == slots) {
        continue;
      }
      TaskRunStatus full = runs.taskRun(connection, runId, task.task()).orElseThrow();
      if (sourceLocations == null) {
        sourceLocations = sources.locations(connection);
      }
      if (judge) {
        Judgement judgement = cutOff(connection, runId, full, graph, sourceLocations, now);
        if (judgement == Judgement.CUT_OFF) {
          work.addAll(runnableChildren(connection, runId, graph, task.task(), now));
          continue;
        }
        if (judgement == Judgement.NARROWED) {
          full = runs.taskRun(connection, runId, task.task()).orElseThrow();
        }
      }
      if (dispatched == slots) {
        runs.markReady(connection, runId, task.task(), now);
        continue;
      }
      dispatch(connection, runId, full, graph, sourceLocations, now);
      dispatched++;
    }
    return dispatched;
  }

  /** What judging a runnable task decided. */
  private enum Judgement {
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
  private Judgement cutOff(
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
    Materialization built = runs.materialization(connection, task.output()).orElse(null);
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
    Map<TaskName, Long> sameAs = runs.contentSameAs(connection, runId, producers);
    Map<TaskName, Set<String>> changedColumns = runs.changedColumns(connection, runId, producers);
    boolean byColumns = false;
    Set<TaskName> rebuilt = new HashSet<>();
    for (RunStore.TaskProgress producer : runs.taskProgress(connection, runId, producers)) {
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
        Materialization held = runs.materialization(connection, input).orElse(null);
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
      runs.insertFileIds(connection, runId, task.task(), List.copyOf(narrowTo));
      LOG.infof(
          "run %s: %s narrowed to %d file id(s): its rebuilt inputs changed only those partitions"
              + " (%s)",
          runId, task.task(), narrowTo.size(), String.join(", ", narrowedBy));
      return Judgement.NARROWED;
    }
    runs.updateMaterializationInputs(connection, task.output(), versions);
    runs.markCutOff(
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
  private Set<String> changedSourceFiles(
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

  private static Set<String> declaredChanges(RunRequested request, DatasetName source) {
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
  private Set<String> changedPartitions(
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
    List<String> scoped = runs.fileIds(connection, runId, producer);
    if (!scoped.isEmpty()) {
      String producerColumn = OutputPartitions.column(graph, producer);
      return column.equals(producerColumn) ? new TreeSet<>(scoped) : null;
    }
    return runs.changedPartitions(connection, runId, producer)
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
  private static boolean readsNoneOf(
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
  private Set<String> changedColumns(
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
  private static boolean readThroughView(TaskGraph graph, PlanArtifact plan, DatasetName input) {
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
  private PlanArtifact previousPlan(Connection connection, Materialization previous)
      throws SQLException {
    Optional<String> runId = runs.materializationRunId(connection, previous.dataset());
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
  private Set<String> derivedFromChangedInputs(
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
    Map<TaskName, Set<String>> known = runs.changedColumns(connection, runId, producers);
    Map<TaskName, Long> sameAs = runs.contentSameAs(connection, runId, producers);
    Set<TaskName> rebuilt = new HashSet<>();
    for (RunStore.TaskProgress producer : runs.taskProgress(connection, runId, producers)) {
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

  /** Children of a task that became terminal which can now be dispatched (or cut off). */
  private List<RunStore.TaskProgress> runnableChildren(
      Connection connection, String runId, TaskGraph graph, TaskName finished, Instant now)
      throws SQLException {
    List<TaskName> children = graph.physicalDownstreamTasks(finished);
    Set<TaskName> wanted = new HashSet<>(children);
    for (TaskName child : children) {
      wanted.addAll(graph.physicalUpstreamTasks(child));
    }
    Map<TaskName, RunStore.TaskProgress> known = new HashMap<>();
    for (RunStore.TaskProgress task : runs.taskProgress(connection, runId, wanted)) {
      known.put(task.task(), task);
    }
    List<RunStore.TaskProgress> ready = new ArrayList<>();
    for (TaskName child : children) {
      RunStore.TaskProgress task = known.get(child);
      if (task != null
          && runnable(
              task,
              graph,
              parent -> known.containsKey(parent) ? known.get(parent).state() : null,
              now)) {
        ready.add(task);
      }
    }
    ready.sort(DISPATCH_ORDER);
    return ready;
  }

  /**
   * Dispatches pending tasks whose upstream outputs exist and whose retry backoff has passed, in
   * priority-then-name order and up to the run's parallelism; the rest wait as READY. Finishes the
   * run when every task is terminal.
   */
  private void advance(Connection connection, String runId, TaskGraph graph, Instant now)
      throws SQLException {
    // Every task of the run, as light rows: at a run's start and from the sweep (due retries).
    List<RunStore.TaskProgress> tasks = runs.taskProgress(connection, runId);
    Map<TaskName, TaskRunState> states = HashMap.newHashMap(tasks.size());
    long inFlight = 0;
    for (RunStore.TaskProgress task : tasks) {
      states.put(task.task(), task.state());
      if (task.state() == TaskRunState.DISPATCHED || task.state() == TaskRunState.RUNNING) {
        inFlight++;
      }
    }
    List<RunStore.TaskProgress> ready =
        tasks.stream()
            .filter(task -> runnable(task, graph, states::get, now))
            .sorted(DISPATCH_ORDER)
            .toList();
    int dispatched =
        dispatchReady(
            connection,
            runId,
            graph,
            ready,
            Math.max(0, config.maxParallelTasks() - inFlight),
            now);
    // Early cutoffs may have settled tasks beyond those dispatched: ask the store what is left.
    if (dispatched == 0
        && runs.countInStates(
                connection,
                runId,
                TaskRunState.PENDING,
                TaskRunState.READY,
                TaskRunState.DISPATCHED,
                TaskRunState.RUNNING)
            == 0) {
      finish(
          connection,
          runId,
          runs.countInStates(connection, runId, TaskRunState.FAILED, TaskRunState.BLOCKED) > 0,
          now);
    }
  }

  private void dispatch(
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
              : runs.materialization(connection, input).orElse(null);
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
        task.fileCount() == 0 ? List.of() : runs.fileIds(connection, runId, task.task());
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
          runs.materialization(connection, plan.output())
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
            partialAggregate));
    runs.markDispatched(connection, runId, task.task(), attempt, inputVersions, now);
    // One START per task run; a retry's attempt starting is a RUNNING event of the same run.
    lineage.append(
        connection,
        lineage
            .events()
            .task(
                attempt == 1 ? "START" : "RUNNING",
                runId,
                plan,
                catalog,
                new OpenLineageEvents.Attempt(
                    attempt,
                    task.reason().wireName(),
                    fileIds.size(),
                    null,
                    inputVersions,
                    null,
                    null,
                    null,
                    null),
                now));
  }

  private OpenLineageEvents.Attempt attemptOf(TaskRunStatus task, String executorId, String error) {
    return new OpenLineageEvents.Attempt(
        Math.max(1, task.attempt()),
        task.reason().wireName(),
        task.fileCount(),
        executorId,
        Map.of(),
        null,
        null,
        null,
        error);
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
    lineage.append(
        connection,
        lineage
            .events()
            .run(
                switch (state) {
                  case SUCCEEDED -> "COMPLETE";
                  case CANCELLED -> "ABORT";
                  default -> "FAIL";
                },
                run.runId(),
                now,
                run.mode().name(),
                run.planCatalogId(),
                state.name(),
                state == RunState.FAILED
                    ? counts.getOrDefault("FAILED", 0)
                        + " task(s) failed, "
                        + counts.getOrDefault("BLOCKED", 0)
                        + " blocked"
                    : null));
    LOG.infof("run %s finished: %s %s", run.runId(), state, counts);
  }

  private List<PlannedTask> plannedFromStore(Connection connection, String runId)
      throws SQLException {
    List<PlannedTask> planned = new ArrayList<>();
    for (TaskRunStatus task : runs.taskRuns(connection, runId)) {
      planned.add(
          new PlannedTask(
              task.task(),
              task.output(),
              task.action(),
              task.reason(),
              task.fileCount() == 0 ? List.of() : runs.fileIds(connection, runId, task.task()),
              task.action() == TaskAction.SKIP
                      && task.reason() == SelectionReason.BLOCKED
                      && task.errorCode() != null
                  ? new BlockedReason(
                      GraphDiagnosticCode.valueOf(task.errorCode()),
                      task.error().startsWith(task.errorCode() + ": ")
                          ? task.error().substring(task.errorCode().length() + 2)
                          : task.error())
                  : null,
              null));
    }
    return planned;
  }

  private static RelspecException runNotFound(String runId) {
    return new RelspecException(SchedulerErrorCode.RUN_NOT_FOUND, "no run with id '" + runId + "'");
  }
}
