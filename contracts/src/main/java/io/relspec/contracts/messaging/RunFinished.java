package io.relspec.contracts.messaging;

import io.relspec.contracts.model.Collections2;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A run reached a terminal state; {@code taskCounts} counts task runs per final state. */
public record RunFinished(
    UUID eventId,
    Instant occurredAt,
    String runId,
    RunState state,
    Map<String, Integer> taskCounts,
    long durationMillis)
    implements RelspecMessage {
  public RunFinished {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(state, "state is null");
    if (!state.isTerminal()) {
      throw new IllegalArgumentException("a finished run has a terminal state, got " + state);
    }
    taskCounts = Collections2.sortedCopy(taskCounts);
  }
}
