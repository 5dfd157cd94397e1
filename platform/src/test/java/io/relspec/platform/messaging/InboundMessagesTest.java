package io.relspec.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.SnapshotPublished;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** A handler's failure, whatever it throws, fails its message and never the consumer. */
class InboundMessagesTest {
  private final List<String> outcomes = new ArrayList<>();
  private final InboundMessages inbound =
      new InboundMessages("test", new InMemoryProcessedMessages(100));

  /** An in-process message (no broker metadata) that records how it was settled. */
  private Message<Object> message(Object payload) {
    return Message.of(payload)
        .withAck(
            () -> {
              outcomes.add("ack");
              return CompletableFuture.completedFuture(null);
            })
        .withNack(
            failure -> {
              outcomes.add("nack " + failure.getClass().getSimpleName());
              return CompletableFuture.completedFuture(null);
            });
  }

  private static String event(UUID id) {
    return RelspecJson.write(new SnapshotPublished(id, Instant.EPOCH, "s1", null, 1, 1));
  }

  @Test
  void aStackOverflowInTheHandlerNacksTheMessageAndTheNextOneIsHandled() {
    inbound.handle(
        message(event(UUID.randomUUID())),
        SnapshotPublished.class,
        record -> {
          throw new StackOverflowError();
        });
    List<String> handled = new ArrayList<>();
    inbound.handle(
        message(event(UUID.randomUUID())),
        SnapshotPublished.class,
        record -> handled.add(record.snapshotId()));
    assertThat(outcomes).containsExactly("nack StackOverflowError", "ack");
    assertThat(handled).containsExactly("s1");
  }

  @Test
  void anInProcessMessageThatKeepsFailingIsParkedAfterTheDeliveryLimit() {
    String poisoned = event(UUID.randomUUID());
    for (int delivery = 1; delivery <= InboundMessages.IN_PROCESS_DELIVERY_LIMIT; delivery++) {
      inbound.handle(
          message(poisoned),
          SnapshotPublished.class,
          record -> {
            throw new IllegalStateException("cannot handle");
          });
    }
    assertThat(outcomes)
        .containsExactly(
            "nack IllegalStateException",
            "nack IllegalStateException",
            "nack IllegalStateException",
            "nack IllegalStateException",
            "ack");
  }

  @Test
  void aBrokerMessageIsRequeuedAfterABackoffThatSpansFifteenSecondsOverTheQueuesFiveDeliveries() {
    List<Long> delays = new ArrayList<>();
    for (int failures = 1; failures <= 6; failures++) {
      delays.add(InboundMessages.redeliveryDelay(failures).toSeconds());
    }
    assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 16L);
    // The four requeues before a quorum queue's fifth and last delivery: long enough for a
    // service the handler needs (a compiler, a database) to restart.
    assertThat(delays.subList(0, 4).stream().mapToLong(Long::longValue).sum()).isEqualTo(15);
  }

  @Test
  void anUnreadableMessageIsDeadLetteredAtOnce() {
    inbound.handle(message("{\"eventId\":42"), SnapshotPublished.class, record -> {});
    inbound.handle(message(new Object()), SnapshotPublished.class, record -> {});
    assertThat(outcomes).hasSize(2).allMatch(outcome -> outcome.startsWith("nack"));
  }

  @Test
  void aDedupeStoreThatIsDownFailsTheDeliveryNotTheConsumer() {
    ProcessedMessages down =
        new ProcessedMessages() {
          @Override
          public boolean isProcessed(String consumer, UUID eventId) {
            throw new IllegalStateException("database error: This connection has been closed.");
          }

          @Override
          public void markProcessed(String consumer, UUID eventId) {
            throw new IllegalStateException("database error: This connection has been closed.");
          }
        };
    new InboundMessages("test", down)
        .handle(message(event(UUID.randomUUID())), SnapshotPublished.class, record -> {});
    assertThat(outcomes).containsExactly("nack IllegalStateException");
  }

  @Test
  void aHandlerThatRecordsItsMessagesIsGivenEveryDeliveryAndTheDedupeStoreIsNotTouched() {
    ProcessedMessages untouched =
        new ProcessedMessages() {
          @Override
          public boolean isProcessed(String consumer, UUID eventId) {
            throw new AssertionError("looked up " + eventId);
          }

          @Override
          public void markProcessed(String consumer, UUID eventId) {
            throw new AssertionError("recorded " + eventId);
          }
        };
    InboundMessages recorded = new InboundMessages("test", untouched);
    String twice = event(UUID.randomUUID());
    List<UUID> delivered = new ArrayList<>();
    recorded.handleRecorded(
        message(twice), SnapshotPublished.class, r -> delivered.add(r.eventId()));
    recorded.handleRecorded(
        message(twice), SnapshotPublished.class, r -> delivered.add(r.eventId()));
    // The handler's own transaction tells the duplicate apart; a failure still nacks.
    recorded.handleRecorded(
        message(event(UUID.randomUUID())),
        SnapshotPublished.class,
        r -> {
          throw new IllegalStateException("cannot handle");
        });
    assertThat(delivered).hasSize(2).containsOnly(delivered.get(0));
    assertThat(outcomes).containsExactly("ack", "ack", "nack IllegalStateException");
  }
}
