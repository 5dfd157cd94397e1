package io.relspec.scheduler.messaging;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.relspec.contracts.messaging.ExecutorHeartbeat;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.platform.jdbc.JdbcProcessedMessages;
import io.relspec.platform.messaging.InMemoryProcessedMessages;
import io.relspec.platform.messaging.InboundMessages;
import io.relspec.scheduler.plans.PlanCatalogs;
import io.relspec.scheduler.runs.RunService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every message the scheduler consumes, each deduplicated by eventId in its database. An attempt's
 * result and heartbeat, one message per task or more, record their event id in the transaction that
 * applies them ({@link InboundMessages#handleRecorded}).
 */
@ApplicationScoped
public class SchedulerConsumers {
  private final RunService runs;
  private final PlanCatalogs planCatalogs;
  private final InboundMessages inbound;
  private final InboundMessages executorBeats =
      new InboundMessages("scheduler-executor-heartbeat", new InMemoryProcessedMessages(1_000));

  public SchedulerConsumers(
      RunService runs,
      PlanCatalogs planCatalogs,
      @DataSource("scheduler") AgroalDataSource dataSource) {
    this.runs = runs;
    this.planCatalogs = planCatalogs;
    this.inbound =
        new InboundMessages(RunService.INBOUND_CONSUMER, new JdbcProcessedMessages(dataSource));
  }

  @Incoming("plan-catalog-compiled")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> planCatalogCompiled(Message<Object> message) {
    return inbound.handle(message, PlanCatalogCompiled.class, planCatalogs::onPlanCatalogCompiled);
  }

  @Incoming("run-requested")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> runRequested(Message<Object> message) {
    return inbound.handle(message, RunRequested.class, runs::start);
  }

  @Incoming("source-data-updated")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> sourceDataUpdated(Message<Object> message) {
    return inbound.handle(message, SourceDataUpdated.class, runs::onSourceDataUpdated);
  }

  @Incoming("task-run-succeeded")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> taskRunSucceeded(Message<Object> message) {
    return inbound.handleRecorded(message, TaskRunSucceeded.class, runs::onTaskRunSucceeded);
  }

  @Incoming("task-run-failed")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> taskRunFailed(Message<Object> message) {
    return inbound.handleRecorded(message, TaskRunFailed.class, runs::onTaskRunFailed);
  }

  /**
   * Executors' liveness and slots: kept in memory only, so no transaction and no dedupe record; a
   * duplicate beat changes nothing.
   */
  @Incoming("executor-heartbeat")
  public CompletionStage<Void> executorHeartbeat(Message<Object> message) {
    return executorBeats.handle(message, ExecutorHeartbeat.class, runs::onExecutorHeartbeat);
  }

  @Incoming("task-run-heartbeat")
  @Blocking(value = "relspec-scheduler", ordered = true)
  public CompletionStage<Void> taskRunHeartbeat(Message<Object> message) {
    return inbound.handleRecorded(message, TaskRunHeartbeat.class, runs::onHeartbeat);
  }
}
