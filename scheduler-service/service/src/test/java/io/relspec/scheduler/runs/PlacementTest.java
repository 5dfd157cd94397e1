package io.relspec.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.scheduler.SchedulerConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The placement rule on its own: bytes held per executor, loads and who was heard from lately. */
class PlacementTest {
  private static final long MIB = 1024 * 1024;

  private final LiveExecutors live = new LiveExecutors(Duration.ofSeconds(30));
  private final Placement placement = new Placement(config(2, 100 * MIB), live);

  @Test
  void theHolderOfMostBytesTakesItWhileItHasRoomTiesToTheFirstId() throws Exception {
    Placement.Decision decision =
        placement.decide(Map.of("executor-b", 5 * MIB, "executor-a", 5 * MIB), 10 * MIB, id -> 1);

    assertThat(decision.executorId()).isEqualTo("executor-a");
    assertThat(decision.reason())
        .isEqualTo("executor-a holds 5.0 MiB of the 10.0 MiB its inputs take (50%)");
  }

  @Test
  void aSaturatedHolderIsPassedOverWhenAnotherLiveExecutorHasAFreeSlot() throws Exception {
    live.heardFrom("executor-b");
    live.heardFrom("executor-c");
    Map<String, Long> loads = Map.of("executor-a", 2L, "executor-b", 2L, "executor-c", 1L);

    Placement.Decision decision =
        placement.decide(Map.of("executor-a", 10 * MIB), 10 * MIB, loads::get);

    assertThat(decision.executorId()).isNull();
    assertThat(decision.reason())
        .isEqualTo(
            "executor-a holds 10.0 MiB of the 10.0 MiB its inputs take (100%); it has 2 attempts"
                + " placed or running (saturation 2); executor-c has 1: any executor, fetching"
                + " 10.0 MiB");
  }

  @Test
  void anExecutorThatAdvertisedItsSlotsHasRoomBelowThemNotBelowTheSaturationBound()
      throws Exception {
    live.heartbeat("executor-b", 1);
    live.heartbeat("executor-c", 4);
    Map<String, Long> loads = Map.of("executor-a", 2L, "executor-b", 1L, "executor-c", 3L);

    Placement.Decision decision =
        placement.decide(Map.of("executor-a", 10 * MIB), 10 * MIB, loads::get);

    assertThat(decision.executorId()).isNull();
    assertThat(decision.reason())
        .endsWith("; executor-c has 3 of 4 slots: any executor, fetching 10.0 MiB");
  }

  @Test
  void aSaturatedHolderKeepsItWhenEveryOtherLiveExecutorIsAsBusy() throws Exception {
    live.heardFrom("executor-b");

    Placement.Decision decision =
        placement.decide(Map.of("executor-a", 10 * MIB), 10 * MIB, id -> 2);

    assertThat(decision.executorId()).isEqualTo("executor-a");
    assertThat(decision.reason())
        .endsWith(
            "(saturation 2), and no other live executor has a free slot: placed there anyway");
  }

  @Test
  void aSaturatedHolderKeepsItWhenNoOtherExecutorWasHeardFrom() throws Exception {
    Placement.Decision decision =
        placement.decide(
            Map.of("executor-a", 10 * MIB), 10 * MIB, id -> id.equals("executor-a") ? 2 : 0);

    assertThat(decision.executorId()).isEqualTo("executor-a");
    assertThat(decision.reason()).contains("no other live executor has a free slot");
  }

  @Test
  void aLargeInputWaitsForItsSaturatedHolderEvenWithFreeExecutors() throws Exception {
    live.heardFrom("executor-b");

    Placement.Decision decision =
        placement.decide(
            Map.of("executor-a", 800 * MIB), 800 * MIB, id -> id.equals("executor-a") ? 2 : 0);

    assertThat(decision.executorId()).isEqualTo("executor-a");
    assertThat(decision.reason())
        .endsWith(
            "but moving it would fetch 800.0 MiB (max-fetch-bytes 100.0 MiB): placed there anyway");
  }

  private static SchedulerConfig.PlacementConfig config(int saturation, long maxFetchBytes) {
    return new SchedulerConfig.PlacementConfig() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public int saturation() {
        return saturation;
      }

      @Override
      public long maxFetchBytes() {
        return maxFetchBytes;
      }
    };
  }
}
