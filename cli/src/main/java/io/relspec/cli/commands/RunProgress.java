package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.api.ProblemException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Follows a run: a live progress line while it runs, then a per-task summary. */
public final class RunProgress {
  private static final Set<String> TERMINAL_TASK_STATES =
      Set.of("SUCCEEDED", "FAILED", "SKIPPED", "BLOCKED");
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

  /** What the run will do, in one or two lines. */
  /** Tasks whose scope (file ids only, or in full and why) a run's first lines explain. */
  static final int SCOPES_SHOWN = 15;

  static void printPlan(PrintWriter out, String runId, JsonNode accepted) {
    Map<String, Integer> byReason = new TreeMap<>();
    int run = 0;
    for (JsonNode task : accepted.path("plan")) {
      String action = task.path("action").asText();
      byReason.merge(action + " (" + task.path("reason").asText() + ")", 1, Integer::sum);
      if ("run".equals(action)) {
        run++;
      }
    }
    out.printf("run %s: %d of %d tasks to run%n", runId, run, accepted.path("plan").size());
    out.println(
        "  "
            + String.join(
                ", ",
                byReason.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
    int scopes = 0;
    for (JsonNode task : accepted.path("plan")) {
      if (task.hasNonNull("scope") && scopes++ < SCOPES_SHOWN) {
        out.println("  " + task.path("task").asText() + ": " + task.path("scope").asText());
      }
    }
    if (scopes > SCOPES_SHOWN) {
      out.println("  … and " + (scopes - SCOPES_SHOWN) + " more (relspec plan lists every task)");
    }
    if (accepted.path("retired").size() > 0) {
      out.println("  retired outputs: " + accepted.path("retired"));
    }
    out.flush();
  }

  /** Polls until the run ends; returns its final status. */
  public JsonNode follow(String runId, JsonNode accepted) throws InterruptedException {
    loadGenerations();
    Progress progress = new Progress(out, "run " + runId);
    String lastLine = "";
    while (true) {
      JsonNode run = api.get("api/v1/runs/" + ApiClient.segment(runId));
      String line = progressLine(run);
      if (!quiet && !line.equals(lastLine)) {
        progress.show(line, false);
        lastLine = line;
      }
      if (isTerminal(run.path("state").asText())) {
        progress.done();
        summary(run);
        return run;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private void loadGenerations() {
    try {
      JsonNode answer = api.get("api/v1/graph/generations");
      for (JsonNode generation : answer.path("generations")) {
        for (JsonNode task : generation.path("tasks")) {
          generationOf.put(task.asText(), generation.path("generation").asInt());
        }
        generations = Math.max(generations, generation.path("generation").asInt() + 1);
      }
    } catch (ProblemException e) {
      // Generations only decorate the progress line; the run is followed without them.
      generations = 0;
    }
  }

  String progressLine(JsonNode run) {
    int total = 0;
    int done = 0;
    int running = 0;
    long rows = 0;
    int current = Integer.MAX_VALUE;
    for (JsonNode task : run.path("tasks")) {
      if (!"run".equals(task.path("action").asText())) {
        continue;
      }
      total++;
      String state = task.path("state").asText();
      rows += task.path("rows").asLong(0);
      if (TERMINAL_TASK_STATES.contains(state)) {
        done++;
      } else {
        if ("RUNNING".equals(state) || "DISPATCHED".equals(state)) {
          running++;
        }
        current =
            Math.min(
                current, generationOf.getOrDefault(task.path("task").asText(), Integer.MAX_VALUE));
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
  public void summary(JsonNode run) {
    if (generationOf.isEmpty()) {
      loadGenerations();
    }
    Table table = new Table("generation", "task", "reason", "files", "state", "rows", "time");
    int ran = 0;
    int scoped = 0;
    int reused = 0;
    int failed = 0;
    long rows = 0;
    var tasks = new java.util.ArrayList<JsonNode>();
    run.path("tasks").forEach(tasks::add);
    tasks.sort(
        java.util.Comparator.comparingInt(
                (JsonNode t) ->
                    generationOf.getOrDefault(t.path("task").asText(), Integer.MAX_VALUE))
            .thenComparing(t -> t.path("task").asText()));
    for (JsonNode task : tasks) {
      String action = task.path("action").asText();
      String state = task.path("state").asText();
      if (!"run".equals(action)) {
        if ("reuse".equals(action)) {
          reused++;
        }
        continue;
      }
      ran++;
      int files = task.path("fileCount").asInt();
      if (files > 0) {
        scoped++;
      }
      if ("FAILED".equals(state)) {
        failed++;
      }
      rows += task.path("rows").asLong(0);
      Integer generation = generationOf.get(task.path("task").asText());
      table.row(
          generation == null ? "" : String.valueOf(generation + 1),
          task.path("task").asText(),
          task.path("reason").asText(),
          files > 0 ? String.valueOf(files) : "all",
          state + (task.path("errorCode").isTextual() ? " " + task.path("errorCode").asText() : ""),
          task.path("rows").isNumber() ? String.format("%,d", task.path("rows").asLong()) : "",
          task.path("durationMillis").isNumber()
              ? task.path("durationMillis").asLong() + " ms"
              : "");
    }
    if (table.size() > 0) {
      table.print(out);
    }
    for (JsonNode task : tasks) {
      if (task.path("error").isTextual()) {
        out.println("  " + task.path("task").asText() + ": " + task.path("error").asText());
      }
    }
    out.printf(
        "run %s %s in %s: %d tasks ran (%d scoped to changed files), %d reused, %d failed, %,d rows written%n",
        run.path("runId").asText(),
        run.path("state").asText(),
        elapsed(run),
        ran,
        scoped,
        reused,
        failed,
        rows);
    out.flush();
  }

  private static String elapsed(JsonNode run) {
    Instant created = instant(run.path("createdAt"));
    if (created == null) {
      return "";
    }
    Instant end = instant(run.path("finishedAt"));
    Duration took = Duration.between(created, end == null ? Instant.now() : end);
    return Progress.duration(Math.max(0, took.toNanos()));
  }

  private static Instant instant(JsonNode node) {
    if (node.isTextual()) {
      return Instant.parse(node.asText());
    }
    if (node.isNumber()) {
      // Jackson may write instants as seconds with a fraction.
      double seconds = node.asDouble();
      return Instant.ofEpochSecond((long) seconds, (long) ((seconds % 1) * 1e9));
    }
    return null;
  }

  static boolean isTerminal(String state) {
    return "SUCCEEDED".equals(state) || "FAILED".equals(state) || "CANCELLED".equals(state);
  }
}
