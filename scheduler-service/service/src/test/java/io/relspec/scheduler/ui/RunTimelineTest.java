package io.relspec.scheduler.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskTiming;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTimelineTest {
  private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void oneBarPerDispatchedTaskInStartOrderRunningBarsReachNow() {
    String svg =
        RunTimeline.svg(
            List.of(
                new TaskTiming(
                    TaskName.of("late"),
                    TaskRunState.RUNNING,
                    START.plusSeconds(5),
                    START.plusSeconds(5)),
                new TaskTiming(
                    TaskName.of("early"), TaskRunState.SUCCEEDED, START, START.plusSeconds(5)),
                new TaskTiming(TaskName.of("waiting"), TaskRunState.PENDING, null, START)),
            START,
            START.plusSeconds(10));
    assertThat(svg)
        .startsWith("<svg")
        .endsWith("</svg>")
        .doesNotContain("waiting")
        .doesNotContain("style=");
    assertThat(svg.indexOf("data-task=\"early\"")).isLessThan(svg.indexOf("data-task=\"late\""));
    // 10 s drawn over the bar area: early spans the first half, late the second (still running).
    int area = RunTimeline.WIDTH - RunTimeline.LABEL_WIDTH - 10;
    assertThat(svg)
        .contains("class=\"state-succeeded\" x=\"" + RunTimeline.LABEL_WIDTH + ".0\"")
        .contains("width=\"" + String.format(java.util.Locale.ROOT, "%.1f", area / 2.0) + "\"")
        .contains(">10.00 s</text>");
  }

  @Test
  void aRunWithNothingDispatchedSaysSo() {
    assertThat(RunTimeline.svg(List.of(), START, START))
        .contains("No task has been dispatched yet");
  }
}
