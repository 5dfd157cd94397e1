package io.relspec.scheduler.ui;

import io.quarkus.qute.Location;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.scheduler.runs.RunHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live part of a run page: progress, every task with state, reason, files, attempt, rows,
 * duration and error, and the timeline. Rendered for the first page load and for every update sent
 * by {@link RunEvents}.
 */
@ApplicationScoped
public class LiveRunView {
  private final RunHistory history;

  @Inject
  @Location("ui/run-live.html")
  Template template;

  public LiveRunView(RunHistory history) {
    this.history = history;
  }

  /** The fragment for {@code viewer}: operators also get the cancel and run-again buttons. */
  public String render(RunStatus run, UiAccess.Viewer viewer) {
    Instant now = Instant.now();
    Map<String, Integer> counts = new TreeMap<>();
    for (TaskRunStatus task : run.tasks()) {
      counts.merge(task.state().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    long done = run.tasks().stream().filter(task -> task.state().isTerminal()).count();
    return template
        .data("run", run)
        .data("viewer", viewer)
        .data("counts", counts)
        .data("done", done)
        .data("total", run.tasks().size())
        .data(
            "elapsed",
            UiText.duration(
                Duration.between(
                    run.createdAt(), run.finishedAt() == null ? now : run.finishedAt())))
        .data(
            "timeline",
            new RawString(RunTimeline.svg(history.timings(run.runId()), run.createdAt(), now)))
        .render();
  }
}
