package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends messages through the service's emitters, one channel per message type, with the messaging
 * conventions of {@link Envelope}. The returned stage completes on the broker's publisher confirm
 * (connector {@code publish-confirms=true}) or, in one JVM, when the consumer acknowledged.
 */
public final class EmitterMessageSender implements MessageSender {
  private final String source;
  private final Map<MessageType, Emitter<String>> emitters;

  public EmitterMessageSender(String source, Map<MessageType, Emitter<String>> emitters) {
    this.source = Objects.requireNonNull(source, "source is null");
    this.emitters = new EnumMap<>(emitters);
  }

  @Override
  public CompletionStage<Void> send(RelspecMessage message) {
    MessageType type = message.messageType();
    Emitter<String> emitter = emitters.get(type);
    if (emitter == null) {
      throw new IllegalStateException(source + " has no channel for " + type.typeName());
    }
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    Message<String> outgoing =
        Message.of(RelspecJson.write(message))
            .addMetadata(metadata(message, source))
            .withAck(
                () -> {
                  confirmed.complete(null);
                  return CompletableFuture.completedFuture(null);
                })
            .withNack(
                failure -> {
                  confirmed.completeExceptionally(failure);
                  return CompletableFuture.completedFuture(null);
                });
    try {
      emitter.send(outgoing);
    } catch (RuntimeException e) {
      confirmed.completeExceptionally(e);
    }
    return confirmed;
  }

  static OutgoingRabbitMQMetadata metadata(RelspecMessage message, String source) {
    Envelope envelope = Envelope.of(message, source);
    OutgoingRabbitMQMetadata.Builder metadata =
        new OutgoingRabbitMQMetadata.Builder()
            .withMessageId(envelope.messageId())
            .withRoutingKey(envelope.routingKey())
            .withDeliveryMode(Envelope.PERSISTENT)
            .withContentType(Envelope.CONTENT_TYPE)
            .withType(envelope.type())
            .withAppId(envelope.appId())
            .withTimestamp(envelope.occurredAt().atZone(ZoneOffset.UTC));
    envelope.headers().forEach(metadata::withHeader);
    return metadata.build();
  }
}
