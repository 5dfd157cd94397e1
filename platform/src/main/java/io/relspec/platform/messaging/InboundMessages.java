package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.MalformedMessageException;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The consuming half of the conventions, for every {@code @Incoming} method: convert the JSON body
 * to the record, skip a message already handled, run the handler, then acknowledge. A malformed or
 * permanently failing message is rejected without requeue (to the dead-letter queue, reason
 * logged); any other failure is requeued and dead-lettered by the queue's delivery limit.
 */
public final class InboundMessages {
  private static final Logger LOG = Logger.getLogger(InboundMessages.class);

  private final String consumer;
  private final ProcessedMessages processed;

  public InboundMessages(String consumer, ProcessedMessages processed) {
    this.consumer = Objects.requireNonNull(consumer, "consumer is null");
    this.processed = Objects.requireNonNull(processed, "processed is null");
  }

  public <T extends RelspecMessage> CompletionStage<Void> handle(
      Message<?> message, Class<T> type, Consumer<T> handler) {
    return handleAsync(
        message,
        type,
        record -> {
          handler.accept(record);
          return CompletableFuture.completedFuture(null);
        });
  }

  /**
   * For handlers that publish a result: the message is acknowledged when the returned stage
   * completes (the broker confirmed the result), without holding a consumer thread meanwhile.
   */
  public <T extends RelspecMessage> CompletionStage<Void> handleAsync(
      Message<?> message, Class<T> type, Function<T, CompletionStage<Void>> handler) {
    T record;
    try {
      record = RelspecJson.read(toJson(message.getPayload()), type);
    } catch (MalformedMessageException e) {
      return deadLetter(message, e.getMessage(), e);
    }
    if (processed.isProcessed(consumer, record.eventId())) {
      LOG.debugf(
          "%s: %s %s already handled, acknowledging the duplicate",
          consumer, type.getSimpleName(), record.eventId());
      return message.ack();
    }
    CompletionStage<Void> outcome;
    try {
      outcome = handler.apply(record);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome
        .handle((ignored, failure) -> failure)
        .thenCompose(
            failure -> {
              if (failure == null) {
                processed.markProcessed(consumer, record.eventId());
                return message.ack();
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof PermanentMessageFailure) {
                return deadLetter(
                    message,
                    type.getSimpleName() + " " + record.eventId() + ": " + cause.getMessage(),
                    cause);
              }
              LOG.warnf(
                  cause,
                  "%s: %s %s failed, returning it for redelivery",
                  consumer,
                  type.getSimpleName(),
                  record.eventId());
              return message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(true)));
            });
  }

  private CompletionStage<Void> deadLetter(Message<?> message, String reason, Throwable cause) {
    LOG.errorf("%s: dead-lettering message: %s", consumer, reason);
    return message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(false)));
  }

  static String toJson(Object payload) {
    if (payload instanceof String text) {
      return text;
    }
    if (payload instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (payload instanceof JsonObject json) {
      return json.encode();
    }
    if (payload instanceof JsonArray json) {
      return json.encode();
    }
    if (payload instanceof Buffer buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
    throw new MalformedMessageException(
        "message",
        new IllegalArgumentException(
            "unsupported payload type "
                + (payload == null ? "null" : payload.getClass().getName())));
  }
}
