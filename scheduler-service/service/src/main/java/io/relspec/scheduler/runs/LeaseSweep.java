package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.plans.PlanCatalogs;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The lease and retry sweep: an attempt that stopped heart-beating past {@code heartbeat-lease} (or
 * that no executor picked up within {@code dispatch-lease}) fails as {@code EXECUTOR_LOST}, which
 * is retryable; a run whose retry came due is advanced. Run every {@code sweep-interval} by the
 * active replica (see {@link RunService}).
 */
final class LeaseSweep {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private static final Logger LOG = Logger.getLogger(LeaseSweep.class);

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final PlanCatalogs planCatalogs;
  private final RunStore runs;
  private final Outbox outbox;
  private final Completions completions;
  private final TaskDispatch dispatch;

  LeaseSweep(
      AgroalDataSource dataSource,
      SchedulerConfig config,
      PlanCatalogs planCatalogs,
      RunStore runs,
      Outbox outbox,
      Completions completions,
      TaskDispatch dispatch) {
    this.dataSource = dataSource;
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.runs = runs;
    this.outbox = outbox;
    this.completions = completions;
    this.dispatch = dispatch;
  }

  /**
   * Applies leases and due retries: an attempt that stopped heart-beating (or was never picked up)
   * fails as {@code EXECUTOR_LOST}, which is retryable; a retry whose backoff passed is dispatched.
   */
  void sweep() {
    Instant now = Instant.now();
    List<TaskRunStore.ExpiredAttempt> expired =
        Jdbc.inTransaction(
            dataSource,
            connection ->
                taskRuns.expiredAttempts(
                    connection,
                    now.minus(config.dispatchLease()),
                    now.minus(config.heartbeatLease())));
    for (TaskRunStore.ExpiredAttempt attempt : expired) {
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
      completions.onCompletion(
          null,
          attempt.runId(),
          attempt.task(),
          attempt.attempt(),
          (task, graph, connection, at) ->
              completions.failed(
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
        Jdbc.inTransaction(dataSource, connection -> taskRuns.runsWithDueRetries(connection, now));
    for (String runId : due) {
      Jdbc.inTransaction(
          dataSource,
          connection -> {
            dispatch.lockGate(connection);
            var run = runs.lockRun(connection, runId);
            if (run.isPresent() && !run.get().state().isTerminal()) {
              dispatch.advance(
                  connection,
                  runId,
                  planCatalogs.byId(connection, run.get().planCatalogId()),
                  Instant.now());
            }
            return null;
          });
    }
    // Slots a cancelled run left (or a dispatch that found its run gone) go to waiting tasks.
    int filled =
        Jdbc.inTransaction(
            dataSource,
            connection -> {
              dispatch.lockGate(connection);
              return dispatch.fillFreeSlots(connection, Instant.now());
            });
    if (!due.isEmpty() || filled > 0) {
      outbox.wake();
    }
  }
}
