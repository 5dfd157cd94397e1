package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunPreview;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskRunDefinition;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.messaging.ExecutorHeartbeat;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.MessageSenders;
import io.relspec.platform.outbox.JdbcOutboxStore;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.leadership.Leadership;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.plans.PlanCatalogs;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
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
 *
 * <p>Over 400 lines on purpose: it is the scheduler's one entry point for runs (start, refuse,
 * cancel, source updates, completions, heartbeats, sweeps), and each method hands its work to one
 * part of this package (TaskDispatch, Completions, LeaseSweep, RunQueries, LiveExecutors).
 */
@ApplicationScoped
public class RunService {
  /** The consumer name under which the scheduler records the messages it has handled. */
  public static final String INBOUND_CONSUMER = "scheduler";

  private final TaskRunStore taskRuns = new TaskRunStore();
  private final MaterializationStore materializations = new MaterializationStore();
  private static final Logger LOG = Logger.getLogger(RunService.class);

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final PlanCatalogs planCatalogs;
  private final Outbox outbox;
  private final RunStore runs = new RunStore();
  private final SourceStore sources = new SourceStore();
  private final RunPlanner planner = new RunPlanner();
  private final Leadership leadership;
  private final Lineage lineage;
  private final TaskDispatch dispatch;
  private final RunEnding ending;
  private final Completions completions;
  private final LeaseSweep sweep;
  private final LiveExecutors live;
  private final RunQueries queries;

  public RunService(
      @DataSource("scheduler") AgroalDataSource dataSource,
      SchedulerConfig config,
      PlanCatalogs planCatalogs,
      Leadership leadership,
      Lineage lineage,
      RunQueries queries,
      MessageSenders senders,
      @Channel("task-run-requested") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> taskRunRequested,
      @Channel("run-finished") @Broadcast @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> runFinished) {
    this.dataSource = dataSource;
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.leadership = leadership;
    this.lineage = lineage;
    this.queries = queries;
    this.outbox =
        new Outbox(
            new JdbcOutboxStore(dataSource),
            senders.sender(
                "scheduler",
                Map.of(
                    MessageType.TASK_RUN_REQUESTED,
                    taskRunRequested,
                    MessageType.RUN_FINISHED,
                    runFinished)),
            "scheduler",
            config.publishConfirmTimeout(),
            leadership::active);
    this.live = new LiveExecutors(config.heartbeatLease());
    EarlyCutoff cutoff = new EarlyCutoff(planCatalogs, runs, sources, lineage);
    this.ending = new RunEnding(runs, outbox, lineage);
    this.dispatch =
        new TaskDispatch(
            config, planCatalogs, runs, sources, outbox, lineage, cutoff, ending, live);
    this.completions =
        new Completions(dataSource, config, planCatalogs, runs, outbox, lineage, cutoff, dispatch);
    this.sweep =
        new LeaseSweep(dataSource, config, planCatalogs, runs, outbox, completions, dispatch);
  }

  void start(@Observes StartupEvent event) {
    // A replica taking over sends what its predecessor left in the outbox at once; expired leases
    // and due retries follow at the sweep's next tick.
    leadership.whenActive(outbox::wake);
  }

  void stop(@Observes ShutdownEvent event) {
    outbox.close();
  }

  /** Re-sends what the broker did not confirm, every outbox-poll-interval on the active replica. */
  @Scheduled(
      identity = "relspec-scheduler-outbox",
      every = "${relspec.scheduler.outbox-poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void relayOnSchedule() {
    outbox.wake();
  }

  /** The lease and retry sweep ({@link LeaseSweep}), every sweep-interval on the active replica. */
  @Scheduled(
      identity = "relspec-run-sweep",
      every = "${relspec.scheduler.sweep-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweepOnSchedule() {
    if (!leadership.active()) {
      return;
    }
    try {
      sweep.sweep();
    } catch (RuntimeException e) {
      LOG.warnf(e, "lease and retry sweep failed; trying again in %s", config.sweepInterval());
    }
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
                      sources.planningState(
                          connection, materializations.materializations(connection)));
              RunRefusal.refuseIfProblems(request, plan);
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
                taskRuns.insertTaskRun(
                    connection,
                    runId,
                    TaskRunUpdates.planned(
                        new TaskRunDefinition(
                            task.task(),
                            task.output(),
                            artifact.kind().wireName(),
                            artifact.fingerprint(),
                            artifact.priority(),
                            task.action(),
                            task.reason(),
                            task.fileIds().size()),
                        state,
                        errorCode,
                        task.blockedBy() == null ? null : task.blockedBy().toString()),
                    now);
                taskRuns.insertFileIds(connection, runId, task.task(), task.fileIds());
              }
              for (DatasetName dataset : plan.retired()) {
                materializations.deleteMaterialization(connection, dataset);
              }
              // Gate after the new run's rows: no other transaction can see or wait for them.
              dispatch.lockGate(connection);
              dispatch.advance(connection, runId, graph, now);
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
                  sources.planningState(connection, materializations.materializations(connection)));
          return new RunPreview(
              true,
              graph.catalog().id(),
              plan.tasks(),
              plan.retired(),
              plan.problems(),
              !RunRefusal.refusing(request, plan).isEmpty());
        });
  }

  /**
   * Records a source update; with {@code triggerRun} it starts an incremental run of everything
   * (allowing a partial run, since nobody is there to read a refusal).
   */
  public void onSourceDataUpdated(SourceDataUpdated event) {
    live.heardFrom(event.executorId());
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

  public RunStatus cancel(String runId) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          dispatch.lockGate(connection);
          RunStatus run =
              runs.lockRun(connection, runId).orElseThrow(() -> RunQueries.runNotFound(runId));
          if (run.state().isTerminal()) {
            throw new RelspecException(
                SchedulerErrorCode.RUN_ALREADY_FINISHED,
                "run " + runId + " already finished as " + run.state());
          }
          Instant now = Instant.now();
          TaskGraph graph = planCatalogs.byId(connection, run.planCatalogId());
          for (TaskRunStatus task : taskRuns.taskRuns(connection, runId)) {
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
                          dispatch.attemptOf(
                              task,
                              task.executorId(),
                              TaskFailureCode.CANCELLED + ": run cancelled"),
                          now));
              taskRuns.updateTaskRun(
                  connection,
                  runId,
                  TaskRunUpdates.skipped(
                      task, task.executorId(), TaskFailureCode.CANCELLED.name(), "run cancelled"),
                  now);
            }
          }
          ending.finish(connection, run, RunState.CANCELLED, now);
          // The cancelled run's slots go to the tasks other runs have waiting.
          dispatch.fillFreeSlots(connection, now);
          return null;
        });
    outbox.wake();
    lineage.wake();
    return queries.status(runId);
  }

  private List<PlannedTask> plannedFromStore(Connection connection, String runId)
      throws SQLException {
    List<PlannedTask> planned = new ArrayList<>();
    for (TaskRunStatus task : taskRuns.taskRuns(connection, runId)) {
      planned.add(
          new PlannedTask(
              task.task(),
              task.output(),
              task.action(),
              task.reason(),
              task.fileCount() == 0 ? List.of() : taskRuns.fileIds(connection, runId, task.task()),
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

  // ---------------------------------------------------------------- completions

  public void onTaskRunSucceeded(TaskRunSucceeded event) {
    live.heardFrom(event.executorId());
    completions.onTaskRunSucceeded(event);
  }

  public void onTaskRunFailed(TaskRunFailed event) {
    live.heardFrom(event.executorId());
    completions.onTaskRunFailed(event);
  }

  /** An executor is up with {@code slots} (see {@link Placement}). */
  public void onExecutorHeartbeat(ExecutorHeartbeat event) {
    live.heartbeat(event.executorId(), event.slots());
  }

  public void onHeartbeat(TaskRunHeartbeat event) {
    live.heardFrom(event.executorId());
    completions.onHeartbeat(event);
  }

  /** See {@link LeaseSweep#sweep}. */
  public void sweep() {
    sweep.sweep();
  }
}
