package io.relspec.platform.messaging;

import java.util.UUID;

/** Remembers which messages a consumer has handled, so a redelivery changes nothing twice. */
public interface ProcessedMessages {
  boolean isProcessed(String consumer, UUID eventId);

  void markProcessed(String consumer, UUID eventId);
}
