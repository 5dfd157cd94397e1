package io.relspec.scheduler.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The executors this scheduler heard from lately, and the slots each advertised: every executor
 * heartbeat ({@code ExecutorHeartbeat}, busy or idle), task heartbeat, result and source upload
 * names its executor. Placement passes a saturated holder over only for an executor heard from
 * within the heartbeat lease that has a free slot, so an attempt is moved (and its inputs fetched)
 * only when someone is there to take it. Kept in memory: a scheduler that just took over knows an
 * executor from its next heartbeat (one interval), and meanwhile leaves attempts on their holders.
 */
final class LiveExecutors {
  /** When an executor was last heard from, and its slots if it said (0: not said). */
  private record Heard(Instant at, int slots) {}

  private final Map<String, Heard> lastHeard = new ConcurrentHashMap<>();
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
      lastHeard.merge(
          executorId, new Heard(clock.get(), 0), (old, now) -> new Heard(now.at(), old.slots()));
    }
  }

  /** An executor heartbeat: the executor is up and runs {@code slots} attempts at once. */
  void heartbeat(String executorId, int slots) {
    lastHeard.put(executorId, new Heard(clock.get(), slots));
  }

  /**
   * The executors heard from within the lease other than {@code except}, in id order, with the
   * slots each advertised (empty when it has not said).
   */
  SortedMap<String, OptionalInt> others(String except) {
    Instant since = clock.get().minus(lease);
    lastHeard.values().removeIf(heard -> heard.at().isBefore(since));
    SortedMap<String, OptionalInt> others = new TreeMap<>();
    lastHeard.forEach(
        (id, heard) -> {
          if (!id.equals(except)) {
            others.put(id, heard.slots() > 0 ? OptionalInt.of(heard.slots()) : OptionalInt.empty());
          }
        });
    return others;
  }
}
