package io.relspec.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveExecutorsTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-07T12:00:00Z"));
  private final LiveExecutors live = new LiveExecutors(Duration.ofSeconds(30), now::get);

  @Test
  void othersAreTheExecutorsHeardFromWithinTheLeaseInIdOrder() {
    live.heardFrom("executor-c");
    live.heardFrom("executor-a");
    live.heardFrom("executor-b");
    live.heardFrom(null);

    assertThat(live.others("executor-b").keySet()).containsExactly("executor-a", "executor-c");
  }

  @Test
  void anExecutorNotHeardFromForALeaseIsNoLongerLive() {
    live.heardFrom("executor-a");
    now.set(now.get().plusSeconds(20));
    live.heardFrom("executor-b");
    now.set(now.get().plusSeconds(15));

    assertThat(live.others("executor-x").keySet()).containsExactly("executor-b");

    live.heardFrom("executor-a");
    assertThat(live.others("executor-x").keySet()).containsExactly("executor-a", "executor-b");
  }

  @Test
  void anExecutorHeartbeatAdvertisesSlotsThatOtherMessagesKeep() {
    live.heartbeat("executor-a", 4);
    live.heardFrom("executor-a");
    live.heardFrom("executor-b");

    assertThat(live.others("executor-x"))
        .containsEntry("executor-a", OptionalInt.of(4))
        .containsEntry("executor-b", OptionalInt.empty());
  }
}
