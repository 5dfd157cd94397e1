package io.relspec.contracts.messaging;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An executor is up, busy or not: sent every heartbeat interval. {@code slots} is how many task
 * attempts it runs at once, {@code running} how many it runs now. The scheduler passes a saturated
 * holder of an attempt's inputs over only for an executor it heard from lately that has a free
 * slot.
 */
public record ExecutorHeartbeat(
    UUID eventId, Instant occurredAt, String executorId, int slots, int running, String flightUri)
    implements RelspecMessage {
  public ExecutorHeartbeat {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(executorId, "executorId is null");
    if (slots < 1) {
      throw new IllegalArgumentException("an executor has at least one slot, got " + slots);
    }
    if (running < 0) {
      throw new IllegalArgumentException("running attempts are not negative, got " + running);
    }
  }
}
