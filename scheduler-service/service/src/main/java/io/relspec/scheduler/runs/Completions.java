package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.jdbc.JdbcProcessedMessages;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.lineage.OpenLineageEvents;
import io.relspec.scheduler.plans.PlanCatalogs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * What a task attempt's end does to its run: a success records the output's materialization and
 * what changed in it, a failure is retried after a backoff while attempts remain (or waits for a
 * lost input's holder), and a final failure skips the tasks downstream. Completions of an old
 * attempt, and repeated ones, are ignored.
 *
 * <p>Over 400 lines on purpose: success, failure, lost inputs and retries all run in the one
 * transaction of a completion, and share its guard against stale attempts.
 */
final class Completions {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final MaterializationStore materializations = new MaterializationStore();
  private final RunChanges changes = new RunChanges();
  private static final Logger LOG = Logger.getLogger(Completions.class);

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final PlanCatalogs planCatalogs;
  private final RunStore runs;
  private final Outbox outbox;
  private final Lineage lineage;
  private final EarlyCutoff cutoff;
  private final TaskDispatch dispatch;

  Completions(
      AgroalDataSource dataSource,
      SchedulerConfig config,
      PlanCatalogs planCatalogs,
      RunStore runs,
      Outbox outbox,
      Lineage lineage,
      EarlyCutoff cutoff,
      TaskDispatch dispatch) {
    this.dataSource = dataSource;
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.runs = runs;
    this.outbox = outbox;
    this.lineage = lineage;
    this.cutoff = cutoff;
    this.dispatch = dispatch;
  }

  void onTaskRunSucceeded(TaskRunSucceeded event) {
    onCompletion(
        event.eventId(),
        event.runId(),
        event.task(),
        event.attempt(),
        (task, graph, connection, now) -> {
          // Early cutoff: the new version equals the previous one in content, which the readers
          // built from that previous version need not re-read.
          Long sameAs = null;
          Optional<Materialization> previous =
              materializations.materialization(connection, event.output());
          if (event.contentHash() != null) {
            if (previous.isPresent()
                && previous.get().version() != event.datasetVersion()
                && event
                    .contentHash()
                    .equals(
                        materializations.contentHash(connection, event.output()).orElse(null))) {
              sameAs = previous.get().version();
            }
          }
          changes.markContentSameAs(connection, event.runId(), event.task(), sameAs);
          // Early cutoff by partition: which file ids' partitions a full rewrite changed.
          changes.markChangedPartitions(
              connection,
              event.runId(),
              event.task(),
              event.changedFileIds() == null || task.fileCount() > 0
                  ? null
                  : OutputPartitions.column(graph, event.task()),
              event.changedFileIds() == null ? List.of() : event.changedFileIds());
          // Column-aware rebuilds: which output columns the new version may have changed.
          changes.markChangedColumns(
              connection,
              event.runId(),
              event.task(),
              sameAs != null
                  ? null
                  : cutoff.changedColumns(
                      connection,
                      event.runId(),
                      task,
                      graph,
                      previous.orElse(null),
                      taskRuns.inputVersions(connection, event.runId(), event.task())));
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
                          taskRuns.inputVersions(connection, event.runId(), event.task()),
                          event.datasetVersion(),
                          event.rows(),
                          event.bytes(),
                          null),
                      now));
          materializations.saveMaterialization(
              connection,
              new Materialization(
                  event.output(),
                  event.task(),
                  task.fingerprint(),
                  event.datasetVersion(),
                  event.executorId(),
                  event.flightUri(),
                  event.rows(),
                  taskRuns.inputVersions(connection, event.runId(), event.task())),
              event.contentHash(),
              event.runId(),
              now);
          materializations.recordBytes(connection, event.output(), event.bytes());
          return List.of(
              TaskRunUpdates.succeeded(
                  task,
                  event.executorId(),
                  event.rows(),
                  event.durationMillis(),
                  event.datasetVersion()));
        });
  }

  void onTaskRunFailed(TaskRunFailed event) {
    onCompletion(
        event.eventId(),
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

  void onHeartbeat(TaskRunHeartbeat event) {
    TaskName task = event.taskName();
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          if (JdbcProcessedMessages.markProcessed(
              connection, RunService.INBOUND_CONSUMER, event.eventId())) {
            taskRuns.markHeartbeat(
                connection,
                event.runId(),
                task,
                event.attempt(),
                event.executorId(),
                Instant.now());
          }
          return null;
        });
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
  List<TaskRunStatus> inputsLost(
      Connection connection, TaskRunFailed event, TaskRunStatus task, TaskGraph graph, Instant now)
      throws SQLException {
    String runId = event.runId();
    List<TaskRunStatus> updates = new ArrayList<>();
    boolean waitForSource = false;
    for (DatasetName input : event.unavailableInputs()) {
      TaskName producer = graph.producer(input);
      TaskRunStatus upstream =
          producer == null ? null : taskRuns.taskRun(connection, runId, producer).orElse(null);
      if (upstream == null) {
        waitForSource = true;
      } else if (upstream.state().providesOutput()) {
        LOG.warnf(
            "run %s: %s could not read %s (%s); rebuilding it with %s",
            runId, task.task(), input, event.message(), producer);
        taskRuns.clearFileIds(connection, runId, producer);
        updates.add(
            TaskRunUpdates.rebuilding(
                upstream,
                "its output was not available to " + task.task() + ": " + event.message()));
      }
    }
    boolean withinBudget = task.attempt() < config.maxAttempts() * LOST_INPUT_ATTEMPTS_FACTOR;
    Instant waitingSince =
        waitForSource ? taskRuns.waitingForInputsSince(connection, runId, task.task(), now) : now;
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
        TaskRunUpdates.failed(
            task,
            TaskRunState.PENDING,
            event.executorId(),
            event.durationMillis(),
            event.errorCode().name(),
            event.message());
    updates.add(
        waitForSource
            ? TaskRunUpdates.retryAt(waiting, now.plus(backoff(task.attempt())))
            : waiting);
    return updates;
  }

  /** A failed attempt: retried after a backoff while attempts remain, else final. */
  List<TaskRunStatus> failed(
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
        TaskRunUpdates.failed(
            task,
            retry ? TaskRunState.PENDING : TaskRunState.FAILED,
            executorId,
            durationMillis,
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
                dispatch.attemptOf(task, executorId, errorCode + ": " + message),
                now));
    if (retry) {
      Instant due = now.plus(backoff(task.attempt()));
      LOG.warnf(
          "run %s: %s attempt %d failed (%s), retrying at %s",
          runId, task.task(), task.attempt(), errorCode, due);
      return List.of(TaskRunUpdates.retryAt(failed, due));
    }
    LOG.warnf(
        "run %s: %s failed for good after %d attempt(s): %s %s",
        runId, task.task(), task.attempt(), errorCode, message);
    List<TaskRunStatus> updates = new ArrayList<>(List.of(failed));
    Set<TaskName> downstream = graph.descendants(task.task());
    for (TaskRunStatus other : taskRuns.taskRuns(connection, runId)) {
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
                    dispatch.attemptOf(
                        other,
                        null,
                        TaskFailureCode.UPSTREAM_FAILED
                            + ": upstream task '"
                            + task.task()
                            + "' failed"),
                    now));
        updates.add(
            TaskRunUpdates.skipped(
                other,
                null,
                TaskFailureCode.UPSTREAM_FAILED.name(),
                "upstream task '" + task.task() + "' failed"));
      }
    }
    return updates;
  }

  Duration backoff(int attempt) {
    Duration delay = config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    return delay.compareTo(config.retryBackoffMax()) > 0 ? config.retryBackoffMax() : delay;
  }

  @FunctionalInterface
  interface CompletionUpdate {
    List<TaskRunStatus> apply(
        TaskRunStatus task, TaskGraph graph, Connection connection, Instant now)
        throws SQLException;
  }

  /**
   * Applies an attempt's end in one transaction, which also records the message's event id: a
   * duplicate delivery finds it recorded and changes nothing.
   *
   * @param eventId the message's event id, or null for an end the scheduler decided (the sweep)
   */
  void onCompletion(
      UUID eventId, String runId, TaskName taskName, int attempt, CompletionUpdate update) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          dispatch.lockGate(connection);
          if (eventId != null
              && !JdbcProcessedMessages.markProcessed(
                  connection, RunService.INBOUND_CONSUMER, eventId)) {
            LOG.debugf(
                "ignoring duplicate completion %s of %s in run %s", eventId, taskName, runId);
            return null;
          }
          var run = runs.lockRun(connection, runId);
          if (run.isEmpty() || run.get().state().isTerminal()) {
            LOG.debugf("ignoring completion of %s for unknown or finished run %s", taskName, runId);
            return null;
          }
          TaskRunStatus task = taskRuns.taskRun(connection, runId, taskName).orElse(null);
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
            taskRuns.updateTaskRun(connection, runId, changed, now);
            if (changed.retryAt() != null) {
              taskRuns.scheduleRetry(connection, runId, changed.task(), changed.retryAt());
            }
          }
          dispatch.advanceAfter(connection, runId, graph, taskName, now);
          return null;
        });
    outbox.wake();
    lineage.wake();
  }
}
