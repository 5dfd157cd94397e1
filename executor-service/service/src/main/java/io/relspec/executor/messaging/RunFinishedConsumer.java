package io.relspec.executor.messaging;

import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import io.relspec.executor.execution.TaskExecution;
import io.relspec.platform.messaging.InMemoryProcessedMessages;
import io.relspec.platform.messaging.InboundMessages;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every executor hears every RunFinished (its own queue); a cancelled run's running queries are
 * interrupted and its attempts still queued are refused.
 */
@ApplicationScoped
public class RunFinishedConsumer {
  private final TaskExecution execution;
  private final InboundMessages inbound =
      new InboundMessages("executor-run-finished", new InMemoryProcessedMessages(10_000));

  public RunFinishedConsumer(TaskExecution execution) {
    this.execution = execution;
  }

  @Incoming("run-finished")
  public CompletionStage<Void> consume(Message<Object> message) {
    return inbound.handle(
        message,
        RunFinished.class,
        finished -> {
          if (finished.state() == RunState.CANCELLED) {
            execution.cancelRun(finished.runId());
          }
        });
  }
}
