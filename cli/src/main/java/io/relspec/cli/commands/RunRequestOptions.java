package io.relspec.cli.commands;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** What {@code relspec run} and {@code relspec plan} ask for: the body of POST /api/v1/runs. */
public final class RunRequestOptions {
  @ArgGroup(exclusive = true)
  Mode mode;

  static final class Mode {
    @Option(names = "--full", description = "re-run every task")
    boolean full;

    @Option(names = "--incremental", description = "re-run what changed (the default)")
    boolean incremental;
  }

  @Option(
      names = "--changed",
      paramLabel = "DATASET=IDS",
      description = "file ids that changed in a source, comma separated (repeatable)")
  List<String> changed = new ArrayList<>();

  @Option(
      names = "--removed",
      paramLabel = "DATASET=IDS",
      description = "file ids removed from a source, comma separated (repeatable)")
  List<String> removed = new ArrayList<>();

  @Option(
      names = "--target",
      paramLabel = "DATASET",
      description = "run only what these outputs need (repeatable)")
  List<String> targets = new ArrayList<>();

  @Option(
      names = "--force",
      paramLabel = "TASK",
      description = "re-run these tasks even if unchanged (repeatable)")
  List<String> force = new ArrayList<>();

  @Option(
      names = "--allow-partial",
      description = "run what is valid even when validation finds errors")
  boolean allowPartial;

  /** The request body these options describe. */
  Map<String, Object> body() {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("mode", mode != null && mode.full ? "full" : "incremental");
    putFiles(request, "changedFiles", changed);
    putFiles(request, "removedFiles", removed);
    if (!targets.isEmpty()) {
      request.put("targets", targets);
    }
    if (!force.isEmpty()) {
      request.put("force", force);
    }
    if (allowPartial) {
      request.put("allowPartial", true);
    }
    return request;
  }

  private static void putFiles(Map<String, Object> request, String field, List<String> specs) {
    if (specs.isEmpty()) {
      return;
    }
    Map<String, List<String>> files = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("expected DATASET=ID[,ID...], got '" + spec + "'");
      }
      files
          .computeIfAbsent(spec.substring(0, eq), k -> new ArrayList<>())
          .addAll(
              Arrays.stream(spec.substring(eq + 1).split(","))
                  .map(String::strip)
                  .filter(s -> !s.isEmpty())
                  .toList());
    }
    request.put(field, files);
  }
}
