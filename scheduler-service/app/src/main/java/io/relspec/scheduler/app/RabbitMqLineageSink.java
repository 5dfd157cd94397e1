package io.relspec.scheduler.app;

import com.rabbitmq.client.AMQP;
import io.quarkus.runtime.ShutdownEvent;
import io.relspec.platform.messaging.ConfirmingPublisher;
import io.relspec.scheduler.lineage.LineageConfig;
import io.relspec.scheduler.lineage.LineageSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes OpenLineage events to the topic exchange {@code relspec.lineage} on a connection of its
 * own, in confirm mode: lineage never shares a connection or a publisher with the run's messages,
 * so a broker outage it is still recovering from cannot hold up a TaskRunRequested.
 */
@ApplicationScoped
public class RabbitMqLineageSink implements LineageSink {
  private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

  private final String exchange;
  private final ConfirmingPublisher publisher;

  public RabbitMqLineageSink(
      LineageConfig config,
      @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
      @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
      @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
    this.exchange = config.exchange();
    this.publisher =
        new ConfirmingPublisher(
            ConfirmingPublisher.factory(host, port, username, password),
            "relspec-scheduler-lineage",
            List.of(new ConfirmingPublisher.Exchange(exchange, "topic")));
  }

  /** Publishes a batch and returns when the broker confirmed all of it; throws otherwise. */
  @Override
  public void publish(List<Published> events) throws Exception {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    CompletableFuture<?>[] confirms =
        events.stream()
            .map(
                event ->
                    publisher.publish(
                        exchange,
                        event.routingKey(),
                        properties,
                        event.payload().getBytes(StandardCharsets.UTF_8)))
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(confirms).get(CONFIRM_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  void stop(@Observes ShutdownEvent event) {
    publisher.close();
  }
}
