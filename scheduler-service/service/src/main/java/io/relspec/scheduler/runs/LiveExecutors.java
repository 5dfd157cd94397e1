package io.relspec.scheduler.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The executors this scheduler heard from lately: every heartbeat, result and source upload names
 * its executor. Placement passes a saturated holder over only for an executor heard from within the
 * heartbeat lease, so an attempt is moved (and its inputs fetched) only when someone is there to
 * take it. Kept in memory: a scheduler that just took over knows no executor until the first
 * messages arrive (one heartbeat interval), and meanwhile leaves attempts on their holders.
 */
final class LiveExecutors {
  private final Map<String, Instant> lastHeard = new ConcurrentHashMap<>();
  private final Duration lease;
  private final Supplier<Instant> clock;

  LiveExecutors(Duration lease) {
    this(lease, Instant::now);
  }

  LiveExecutors(Duration lease, Supplier<Instant> clock) {
    this.lease = lease;
    this.clock = clock;
  }

  /** A message from {@code executorId} arrived now; null (a standalone upload) is ignored. */
  void heardFrom(String executorId) {
    if (executorId != null) {
      lastHeard.put(executorId, clock.get());
    }
  }

  /** The executors heard from within the lease, other than {@code except}, in id order. */
  List<String> others(String except) {
    Instant since = clock.get().minus(lease);
    lastHeard.values().removeIf(at -> at.isBefore(since));
    return lastHeard.keySet().stream().filter(id -> !id.equals(except)).sorted().toList();
  }
}
