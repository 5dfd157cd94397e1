package io.relspec.platform.messaging;

import com.rabbitmq.client.AMQP;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes Relspec messages to the events exchange through a {@link ConfirmingPublisher}, with the
 * conventions of {@link Envelope}; the stage completes on the broker's confirm and fails at once
 * when the channel it went out on closes.
 */
public final class RabbitMqMessageSender implements MessageSender {
  private final String source;
  private final String exchange;
  private final ConfirmingPublisher publisher;

  public RabbitMqMessageSender(String source, String exchange, ConfirmingPublisher publisher) {
    this.source = Objects.requireNonNull(source, "source is null");
    this.exchange = Objects.requireNonNull(exchange, "exchange is null");
    this.publisher = Objects.requireNonNull(publisher, "publisher is null");
  }

  @Override
  public CompletionStage<Void> send(RelspecMessage message) {
    Envelope envelope = Envelope.of(message, source);
    return publisher.publish(
        exchange,
        envelope.routingKey(),
        properties(envelope),
        RelspecJson.write(message).getBytes(StandardCharsets.UTF_8));
  }

  static AMQP.BasicProperties properties(Envelope envelope) {
    return new AMQP.BasicProperties.Builder()
        .messageId(envelope.messageId())
        .deliveryMode(Envelope.PERSISTENT)
        .contentType(Envelope.CONTENT_TYPE)
        .type(envelope.type())
        .appId(envelope.appId())
        .timestamp(Date.from(envelope.occurredAt()))
        .headers(envelope.headers())
        .build();
  }
}
