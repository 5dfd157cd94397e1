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
        MessageType.TASK_RUN_REQUESTED.routingKey());
  }
}
