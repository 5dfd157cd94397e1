package io.relspec.platform.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Bounded in-memory record of handled messages, for consumers whose handling is idempotent by
 * construction (same input, same result) and who keep no database: it saves repeated work, while
 * correctness never depends on it.
 */
public final class InMemoryProcessedMessages implements ProcessedMessages {
  private final Map<String, Boolean> seen;

  public InMemoryProcessedMessages(int capacity) {
    this.seen =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public synchronized boolean isProcessed(String consumer, UUID eventId) {
    return seen.containsKey(consumer + "/" + eventId);
  }

  @Override
  public synchronized void markProcessed(String consumer, UUID eventId) {
    seen.put(consumer + "/" + eventId, Boolean.TRUE);
  }
}
