package io.relspec.scheduler.ui;

import io.relspec.contracts.api.runs.TaskTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A run's Gantt chart as SVG: one bar per dispatched task from its dispatch to its end (or to now
 * while it runs), ordered by start. Drawn with SVG attributes only, so the page's
 * Content-Security-Policy needs no inline styles.
 */
public final class RunTimeline {
  static final int WIDTH = 900;
  static final int LABEL_WIDTH = 220;
  static final int BAR_HEIGHT = 16;
  static final int ROW = 22;
  static final int MAX_BARS = 500;

  private RunTimeline() {}

  public static String svg(List<TaskTiming> timings, Instant runStart, Instant now) {
    List<TaskTiming> bars =
        timings.stream()
            .filter(timing -> timing.dispatchedAt() != null)
            .sorted(Comparator.comparing(TaskTiming::dispatchedAt).thenComparing(TaskTiming::task))
            .limit(MAX_BARS)
            .toList();
    if (bars.isEmpty()) {
      return "<p class=\"muted\">No task has been dispatched yet.</p>";
    }
    Instant start = runStart;
    Instant end = start.plusMillis(1);
    for (TaskTiming bar : bars) {
      if (bar.dispatchedAt().isBefore(start)) {
        start = bar.dispatchedAt();
      }
      Instant finish = finish(bar, now);
      if (finish.isAfter(end)) {
        end = finish;
      }
    }
    double span = Math.max(1, Duration.between(start, end).toMillis());
    double scale = (WIDTH - LABEL_WIDTH - 10) / span;
    int height = bars.size() * ROW + 24;
    StringBuilder out = new StringBuilder();
    out.append("<svg class=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"run timeline\">");
    for (int i = 0; i < bars.size(); i++) {
      TaskTiming bar = bars.get(i);
      double x = LABEL_WIDTH + Duration.between(start, bar.dispatchedAt()).toMillis() * scale;
      double width =
          Math.max(2, Duration.between(bar.dispatchedAt(), finish(bar, now)).toMillis() * scale);
      int y = i * ROW + 4;
      out.append("<g class=\"gantt-row\" data-task=\"")
          .append(SqlHighlighter.escape(bar.task().value()))
          .append("\"><text x=\"0\" y=\"")
          .append(y + 12)
          .append("\" class=\"gantt-label\">");
      SqlHighlighter.escape(out, bar.task().value());
      out.append("</text><rect class=\"state-")
          .append(bar.state().name().toLowerCase(Locale.ROOT))
          .append("\" x=\"")
          .append(String.format(Locale.ROOT, "%.1f", x))
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(String.format(Locale.ROOT, "%.1f", width))
          .append("\" height=\"")
          .append(BAR_HEIGHT)
          .append("\"><title>");
      SqlHighlighter.escape(
          out,
          bar.task().value()
              + ": "
              + bar.state().name().toLowerCase(Locale.ROOT)
              + ", "
              + Duration.between(bar.dispatchedAt(), finish(bar, now)).toMillis()
              + " ms");
      out.append("</title></rect></g>");
    }
    int axisY = bars.size() * ROW + 18;
    out.append("<text x=\"")
        .append(LABEL_WIDTH)
        .append("\" y=\"")
        .append(axisY)
        .append("\" class=\"gantt-axis\">0 s</text><text x=\"")
        .append(WIDTH - 10)
        .append("\" y=\"")
        .append(axisY)
        .append("\" class=\"gantt-axis\" text-anchor=\"end\">")
        .append(String.format(Locale.ROOT, "%.2f s", span / 1000.0))
        .append("</text></svg>");
    return out.toString();
  }

  private static Instant finish(TaskTiming timing, Instant now) {
    return timing.state().isTerminal() ? timing.updatedAt() : now;
  }
}
