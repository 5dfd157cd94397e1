package io.relspec.executor.execution;

import io.quarkus.scheduler.Scheduled;
import io.relspec.contracts.messaging.ExecutorHeartbeat;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.executor.ExecutorConfig;
import io.relspec.executor.ExecutorNode;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.messaging.MessageSenders;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Tells the scheduler every heartbeat interval that this executor is up, how many slots it has and
 * how many run now, whether or not it runs anything: placement moves an attempt off its saturated
 * holder only to an executor heard from lately with a free slot. A lost beat is not resent; the
 * next one replaces it. A stopping executor falls silent, so it is no longer offered work.
 */
@ApplicationScoped
public class ExecutorHeartbeats {
  private static final Logger LOG = Logger.getLogger(ExecutorHeartbeats.class);

  private final ExecutorConfig config;
  private final ExecutorNode node;
  private final TaskExecution execution;
  private final MessageSender sender;

  public ExecutorHeartbeats(
      ExecutorConfig config,
      ExecutorNode node,
      TaskExecution execution,
      MessageSenders senders,
      @Channel("executor-heartbeat") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> heartbeat) {
    this.config = config;
    this.node = node;
    this.execution = execution;
    this.sender = senders.sender("executor", Map.of(MessageType.EXECUTOR_HEARTBEAT, heartbeat));
  }

  @Scheduled(
      identity = "relspec-executor-heartbeat",
      every = "${relspec.executor.heartbeat-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void beat() {
    if (execution.stopping()) {
      return;
    }
    sender
        .send(
            new ExecutorHeartbeat(
                UUID.randomUUID(),
                Instant.now(),
                node.id(),
                config.slots(),
                execution.runningAttempts(),
                node.flightUri()))
        .exceptionally(
            failure -> {
              LOG.debugf("executor heartbeat not published (%s); the next one follows", failure);
              return null;
            });
  }
}
