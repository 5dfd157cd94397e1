package io.relspec.contracts.messaging;

import java.time.Instant;
import java.util.UUID;

/**
 * Every event and command: {@code eventId} is the dedupe key (and the AMQP message-id), {@code
 * occurredAt} when the fact happened or the request was made.
 */
public sealed interface RelspecMessage
    permits SnapshotPublished,
        PlanCatalogCompiled,
        RunRequested,
        TaskRunRequested,
        TaskRunHeartbeat,
        TaskRunSucceeded,
        TaskRunFailed,
        RunFinished,
        SourceDataUpdated,
        ExecutorHeartbeat {
  UUID eventId();

  Instant occurredAt();

  default MessageType messageType() {
    return MessageType.of(getClass());
  }

  /** The AMQP routing key: the type's, unless the message is addressed to one consumer. */
  default String routingKey() {
    return messageType().routingKey();
  }
}
