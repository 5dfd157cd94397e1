package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.MessageType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Chooses how a service publishes: {@code relspec.messaging.publisher=rabbitmq} (the services'
 * images) publishes on a {@link ConfirmingPublisher} connection of the service's own to the
 * exchange {@code relspec.messaging.exchange}; {@code emitter} (the default, and the standalone
 * JVM) sends through the service's emitters, which in one JVM hand the message straight to its
 * consumer.
 */
@ApplicationScoped
public class MessageSenders {
  /** How messages leave the service. */
  public enum Publisher {
    EMITTER,
    RABBITMQ
  }

  private final Publisher publisher;
  private final Optional<String> exchange;
  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private ConfirmingPublisher connection;

  public MessageSenders(
      @ConfigProperty(name = "relspec.messaging.publisher", defaultValue = "emitter")
          Publisher publisher,
      @ConfigProperty(name = "relspec.messaging.exchange") Optional<String> exchange,
      @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
      @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
      @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
    this.publisher = publisher;
    this.exchange = exchange;
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
  }

  /**
   * A sender for a service named {@code source}; {@code emitters} are used only when publishing
   * through emitters.
   */
  public synchronized MessageSender sender(
      String source, Map<MessageType, Emitter<String>> emitters) {
    if (publisher == Publisher.EMITTER) {
      return new EmitterMessageSender(source, emitters);
    }
    String events =
        exchange.orElseThrow(
            () ->
                new IllegalStateException(
                    "relspec.messaging.publisher=rabbitmq needs relspec.messaging.exchange"));
    if (connection == null) {
      connection =
          new ConfirmingPublisher(
              ConfirmingPublisher.factory(host, port, username, password),
              "relspec-" + source + "-publisher",
              List.of(new ConfirmingPublisher.Exchange(events, "topic")));
    }
    return new RabbitMqMessageSender(source, events, connection);
  }

  @PreDestroy
  synchronized void close() {
    if (connection != null) {
      connection.close();
    }
  }
}
