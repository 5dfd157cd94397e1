package io.relspec.cli.commands;

import io.relspec.cli.api.ApiClient;
import io.relspec.cli.api.ProblemException;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Follows a run: a live progress line while it runs, then a per-task summary. */
public final class RunProgress {
  private static final long POLL_MILLIS = 250;

  private final ApiClient api;
  private final PrintWriter out;
  private final boolean quiet;
  private final Map<String, Integer> generationOf = new HashMap<>();
  private int generations;

  public RunProgress(ApiClient api, PrintWriter out, boolean quiet) {
    this.api = api;
    this.out = out;
    this.quiet = quiet;
  }

  /** Tasks whose scope (file ids only, or in full and why) a run's first lines explain. */
  static final int SCOPES_SHOWN = 15;

  /** What the run will do, in one or two lines. */
  static void printPlan(PrintWriter out, RunAccepted accepted) {
    Map<String, Integer> byReason = new TreeMap<>();
    int run = 0;
    for (PlannedTask task : accepted.plan()) {
      String action = task.action().wireName();
      byReason.merge(action + " (" + task.reason().wireName() + ")", 1, Integer::sum);
      if (task.action() == TaskAction.RUN) {
        run++;
      }
    }
    out.printf("run %s: %d of %d tasks to run%n", accepted.runId(), run, accepted.plan().size());
    out.println(
        "  "
            + String.join(
                ", ",
                byReason.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
    int scopes = 0;
    for (PlannedTask task : accepted.plan()) {
      if (task.scope() != null && scopes++ < SCOPES_SHOWN) {
        out.println("  " + task.task().value() + ": " + task.scope());
      }
    }
    if (scopes > SCOPES_SHOWN) {
      out.println("  … and " + (scopes - SCOPES_SHOWN) + " more (relspec plan lists every task)");
    }
    if (!accepted.retired().isEmpty()) {
      out.println(
          "  retired outputs: ["
              + String.join(
                  ",", accepted.retired().stream().map(name -> "\"" + name.value() + "\"").toList())
              + "]");
    }
    out.flush();
  }

  /** Polls until the run ends; returns its final status. */
  public RunStatus follow(String runId) throws InterruptedException {
    loadGenerations();
    Progress progress = new Progress(out, "run " + runId);
    String lastLine = "";
    while (true) {
      RunStatus run = api.get("api/v1/runs/" + ApiClient.segment(runId), RunStatus.class);
      String line = progressLine(run);
      if (!quiet && !line.equals(lastLine)) {
        progress.show(line, false);
        lastLine = line;
      }
      if (run.state().isTerminal()) {
        progress.done();
        summary(run);
        return run;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** The graph's generations, an answer the CLI only reads two fields of. */
  private record Generations(List<Generation> generations) {}

  private record Generation(int generation, List<String> tasks) {}

  private void loadGenerations() {
    try {
      Generations answer = api.get("api/v1/graph/generations", Generations.class);
      for (Generation generation : answer.generations()) {
        for (String task : generation.tasks()) {
          generationOf.put(task, generation.generation());
        }
        generations = Math.max(generations, generation.generation() + 1);
      }
    } catch (ProblemException e) {
      // Generations only decorate the progress line; the run is followed without them.
      generations = 0;
    }
  }

  String progressLine(RunStatus run) {
    int total = 0;
    int done = 0;
    int running = 0;
    long rows = 0;
    int current = Integer.MAX_VALUE;
    for (TaskRunStatus task : run.tasks()) {
      if (task.action() != TaskAction.RUN) {
        continue;
      }
      total++;
      rows += task.rows() == null ? 0 : task.rows();
      if (task.state().isTerminal() && task.state() != TaskRunState.REUSED) {
        done++;
      } else {
        if (task.state() == TaskRunState.RUNNING || task.state() == TaskRunState.DISPATCHED) {
          running++;
        }
        current =
            Math.min(current, generationOf.getOrDefault(task.task().value(), Integer.MAX_VALUE));
      }
    }
    String generation =
        current == Integer.MAX_VALUE || generations == 0
            ? ""
            : String.format("generation %d/%d · ", current + 1, generations);
    return String.format(
        "%s%d/%d tasks done · %d running · %,d rows · %s",
        generation, done, total, running, rows, elapsed(run));
  }

  /** Per-task table of what ran, then one line with the totals. */
  public void summary(RunStatus run) {
    if (generationOf.isEmpty()) {
      loadGenerations();
    }
    Table table = new Table("generation", "task", "reason", "files", "state", "rows", "time");
    int ran = 0;
    int scoped = 0;
    int reused = 0;
    int failed = 0;
    long rows = 0;
    List<TaskRunStatus> tasks = new ArrayList<>(run.tasks());
    tasks.sort(
        Comparator.comparingInt(
                (TaskRunStatus t) -> generationOf.getOrDefault(t.task().value(), Integer.MAX_VALUE))
            .thenComparing(t -> t.task().value()));
    for (TaskRunStatus task : tasks) {
      if (task.action() != TaskAction.RUN) {
        if (task.action() == TaskAction.REUSE) {
          reused++;
        }
        continue;
      }
      ran++;
      int files = task.fileCount();
      if (files > 0) {
        scoped++;
      }
      if (task.state() == TaskRunState.FAILED) {
        failed++;
      }
      rows += task.rows() == null ? 0 : task.rows();
      Integer generation = generationOf.get(task.task().value());
      table.row(
          generation == null ? "" : String.valueOf(generation + 1),
          task.task().value(),
          task.reason().wireName(),
          files > 0 ? String.valueOf(files) : "all",
          task.state() + (task.errorCode() != null ? " " + task.errorCode() : ""),
          task.rows() != null ? String.format("%,d", task.rows()) : "",
          task.durationMillis() != null ? task.durationMillis() + " ms" : "");
    }
    if (table.size() > 0) {
      table.print(out);
    }
    for (TaskRunStatus task : tasks) {
      if (task.error() != null) {
        out.println("  " + task.task().value() + ": " + task.error());
      }
    }
    // Where tasks ran, and why there, once more than one executor took part.
    if (tasks.stream().map(TaskRunStatus::executorId).filter(id -> id != null).distinct().count()
        > 1) {
      out.println("placement:");
      for (TaskRunStatus task : tasks) {
        if (task.action() == TaskAction.RUN && task.executorId() != null) {
          out.println(
              "  "
                  + task.task().value()
                  + " ran on "
                  + task.executorId()
                  + (task.placement() == null ? "" : ": " + task.placement()));
        }
      }
    }
    out.printf(
        "run %s %s in %s: %d tasks ran (%d scoped to changed files), %d reused, %d failed, %,d rows written%n",
        run.runId(), run.state(), elapsed(run), ran, scoped, reused, failed, rows);
    out.flush();
  }

  private static String elapsed(RunStatus run) {
    Instant created = run.createdAt();
    if (created == null) {
      return "";
    }
    Instant end = run.finishedAt();
    Duration took = Duration.between(created, end == null ? Instant.now() : end);
    return Progress.duration(Math.max(0, took.toNanos()));
  }

  static boolean succeeded(RunStatus run) {
    return run.state() == RunState.SUCCEEDED;
  }
}
