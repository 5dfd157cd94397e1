package io.relspec.executor.messaging;

import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.executor.execution.TaskExecution;
import io.relspec.platform.messaging.InMemoryProcessedMessages;
import io.relspec.platform.messaging.InboundMessages;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Takes task attempts from the shared work queue and from this executor's own queue (attempts the
 * scheduler placed here); several run at once, up to the slots of the one worker pool both share.
 */
@ApplicationScoped
public class TaskRunRequestedConsumer {
  private final TaskExecution execution;
  private final InboundMessages inbound =
      new InboundMessages("executor", new InMemoryProcessedMessages(100_000));

  public TaskRunRequestedConsumer(TaskExecution execution) {
    this.execution = execution;
  }

  @Incoming("task-run-requested")
  @Blocking(value = "executor-slots", ordered = false)
  public CompletionStage<Void> consume(Message<Object> message) {
    return inbound.handleAsync(message, TaskRunRequested.class, execution::execute);
  }

  @Incoming("task-run-placed")
  @Blocking(value = "executor-slots", ordered = false)
  public CompletionStage<Void> consumePlaced(Message<Object> message) {
    return inbound.handleAsync(message, TaskRunRequested.class, execution::execute);
  }
}
