package io.relspec.executor.messaging;

import io.relspec.contracts.messaging.MessageType;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The arguments of this executor's own queue ({@code task-run-placed}): an attempt placed here that
 * expires unread (the queue's TTL) or is rejected is dead-lettered into the exchange with the
 * shared work queue's routing key, so another executor takes it instead of it waiting for this one.
 *
 * <p>Dead-lettering is at-least-once: the queue keeps the attempt until the shared queue confirmed
 * it. With a quorum queue's default (at-most-once), an attempt that expired while RabbitMQ was down
 * was dead-lettered on its restart before the shared queue was back, and dropped: its run waited
 * for the {@code dispatch-lease} (the fault suite's "RabbitMQ stopped for 40 s"). At-least-once
 * requires the {@code reject-publish} overflow; the queue has no length limit, so it never applies.
 */
@ApplicationScoped
public class PlacedQueueArguments {
  @Produces
  @Identifier("relspec-placed-queue-arguments")
  Map<String, Object> arguments(
      @ConfigProperty(name = "relspec.messaging.exchange", defaultValue = "relspec.events")
          String exchange) {
    return Map.of(
        "x-dead-letter-exchange",
        exchange,
        "x-dead-letter-routing-key",
        MessageType.TASK_RUN_REQUESTED.routingKey(),
        "x-dead-letter-strategy",
        "at-least-once",
        "x-overflow",
        "reject-publish");
  }
}
