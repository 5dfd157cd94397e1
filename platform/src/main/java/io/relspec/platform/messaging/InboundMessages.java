package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.MalformedMessageException;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The consuming half of the conventions, for every {@code @Incoming} method: convert the JSON body
 * to the record, skip a message already handled, run the handler, then acknowledge. A malformed or
 * permanently failing message is rejected without requeue (to the dead-letter queue, reason
 * logged); any other failure, whatever is thrown ({@code StackOverflowError} included), is a
 * failure of that message alone: it is requeued and dead-lettered by the queue's delivery limit,
 * and the consumer goes on with the next message.
 *
 * <p>A requeued broker message is returned after a backoff ({@link #redeliveryDelay}: 1 s after the
 * first failure, doubling, at most {@value #MAX_REDELIVERY_DELAY_SECONDS} s), not at once: a quorum
 * queue hands a requeued message straight back, so without it the five deliveries of a message
 * whose handler needs another service (the scheduler fetching a plan catalog from a compiler that
 * is restarting) were spent in milliseconds and the message dead-lettered although the service was
 * back seconds later. The delay holds no thread; the consumer goes on meanwhile.
 *
 * <p>In one JVM (standalone, no broker) there is no queue to count deliveries: a message that
 * failed {@value #IN_PROCESS_DELIVERY_LIMIT} times is <em>parked</em> instead, logged as an error
 * with its reason and acknowledged, so a poisoned event is never replayed forever by its sender's
 * outbox.
 */
public final class InboundMessages {
  private static final Logger LOG = Logger.getLogger(InboundMessages.class);

  /** Deliveries of one in-process message before it is parked (a quorum queue's limit is 5). */
  static final int IN_PROCESS_DELIVERY_LIMIT = 5;

  static final long MAX_REDELIVERY_DELAY_SECONDS = 16;

  /**
   * How long a broker message that failed {@code failures} times is held before it is returned to
   * its queue: 1, 2, 4, 8, 16 s, so the four redeliveries a quorum queue's limit of 5 allows span
   * 15 s.
   */
  static Duration redeliveryDelay(int failures) {
    int doublings = Math.max(0, Math.min(failures - 1, 4));
    return Duration.ofSeconds(Math.min(MAX_REDELIVERY_DELAY_SECONDS, 1L << doublings));
  }

  private final String consumer;
  private final ProcessedMessages processed;

  /** Failed deliveries by event id; bounded, oldest forgotten first. */
  private final Map<UUID, Integer> failuresByEvent =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Integer> eldest) {
              return size() > 10_000;
            }
          });

  private final Function<Integer, Duration> redeliveryDelay;

  public InboundMessages(String consumer, ProcessedMessages processed) {
    this(consumer, processed, InboundMessages::redeliveryDelay);
  }

  /** With the delay before a failed broker message is requeued, by its failures so far. */
  InboundMessages(
      String consumer, ProcessedMessages processed, Function<Integer, Duration> redeliveryDelay) {
    this.consumer = Objects.requireNonNull(consumer, "consumer is null");
    this.processed = Objects.requireNonNull(processed, "processed is null");
    this.redeliveryDelay = Objects.requireNonNull(redeliveryDelay, "redeliveryDelay is null");
  }

  public <T extends RelspecMessage> CompletionStage<Void> handle(
      Message<?> message, Class<T> type, Consumer<T> handler) {
    return handleAsync(message, type, done(handler));
  }

  /** A handler that completes when it returns. */
  private static <T> Function<T, CompletionStage<Void>> done(Consumer<T> handler) {
    return record -> {
      handler.accept(record);
      return CompletableFuture.completedFuture(null);
    };
  }

  /**
   * For handlers that record the event id themselves, in the one transaction that applies the
   * message ({@code JdbcProcessedMessages.markProcessed(connection, consumer, eventId)}, which is
   * false for a duplicate they must then ignore): there is no lookup before and no record after, so
   * a message costs one transaction instead of three, and its effect and its record commit
   * together.
   */
  public <T extends RelspecMessage> CompletionStage<Void> handleRecorded(
      Message<?> message, Class<T> type, Consumer<T> handler) {
    return handle(message, type, done(handler), false);
  }

  /**
   * For handlers that publish a result: the message is acknowledged when the returned stage
   * completes (the broker confirmed the result), without holding a consumer thread meanwhile.
   */
  public <T extends RelspecMessage> CompletionStage<Void> handleAsync(
      Message<?> message, Class<T> type, Function<T, CompletionStage<Void>> handler) {
    return handle(message, type, handler, true);
  }

  /**
   * @param recordHere whether the handled event ids are looked up and recorded here, each in its
   *     own transaction, rather than by the handler
   */
  private <T extends RelspecMessage> CompletionStage<Void> handle(
      Message<?> message,
      Class<T> type,
      Function<T, CompletionStage<Void>> handler,
      boolean recordHere) {
    T record;
    try {
      record = RelspecJson.read(toJson(message.getPayload()), type);
    } catch (MalformedMessageException e) {
      return deadLetter(message, e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      return deadLetter(message, "unreadable " + type.getSimpleName() + ": " + e, e);
    }
    CompletionStage<Void> outcome;
    try {
      // The dedupe lookup is inside: a database that is down fails this delivery, not the consumer.
      if (recordHere && processed.isProcessed(consumer, record.eventId())) {
        LOG.debugf(
            "%s: %s %s already handled, acknowledging the duplicate",
            consumer, type.getSimpleName(), record.eventId());
        return message.ack();
      }
      outcome = handler.apply(record);
    } catch (RuntimeException | Error e) {
      // Any Throwable, StackOverflowError included, fails this message, never the consumer.
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome
        .thenRun(
            () -> {
              if (recordHere) {
                processed.markProcessed(consumer, record.eventId());
              }
            })
        .handle((ignored, failure) -> failure)
        .thenCompose(
            failure -> {
              if (failure == null) {
                failuresByEvent.remove(record.eventId());
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
              int failures = failuresByEvent.merge(record.eventId(), 1, Integer::sum);
              if (message.getMetadata(IncomingRabbitMQMetadata.class).isEmpty()) {
                if (failures >= IN_PROCESS_DELIVERY_LIMIT) {
                  failuresByEvent.remove(record.eventId());
                  LOG.errorf(
                      cause,
                      "%s: parking %s %s after %d failed deliveries (not retried again): %s",
                      consumer,
                      type.getSimpleName(),
                      record.eventId(),
                      failures,
                      cause);
                  return message.ack();
                }
                LOG.warnf(
                    cause,
                    "%s: %s %s failed, returning it for redelivery",
                    consumer,
                    type.getSimpleName(),
                    record.eventId());
                return requeue(message, cause);
              }
              Duration delay = redeliveryDelay.apply(failures);
              LOG.warnf(
                  cause,
                  "%s: %s %s failed (%d so far), returning it for redelivery in %d ms",
                  consumer,
                  type.getSimpleName(),
                  record.eventId(),
                  failures,
                  delay.toMillis());
              if (delay.isZero()) {
                return requeue(message, cause);
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS))
                  .thenCompose(ignored -> requeue(message, cause));
            });
  }

  private static CompletionStage<Void> requeue(Message<?> message, Throwable cause) {
    return message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(true)));
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
