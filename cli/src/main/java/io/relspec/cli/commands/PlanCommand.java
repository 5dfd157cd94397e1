package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relspec plan}: a dry run. Prints what {@code relspec run} with the same options would do
 * with each task, why, and for which file ids, without running anything.
 */
@Command(
    name = "plan",
    description = {
      "Show what a run would do, task by task, and why, without running anything (a dry run).",
      "Takes the options of 'relspec run'. Exit status 1 when the run would be refused."
    })
public final class PlanCommand implements Callable<Integer> {
  /** File ids listed per task before the rest is counted. */
  static final int FILES_SHOWN = 5;

  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Mixin RunRequestOptions options;

  @Option(names = "--all", description = "list reused and skipped tasks too")
  boolean all;

  @Option(names = "--json", description = "print the plan as JSON, as the API answers it")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> body = options.body();
    body.put("dryRun", true);
    JsonNode preview = connection.api().post("api/v1/runs", body);
    if (json) {
      out.println(preview.toPrettyString());
      out.flush();
      return preview.path("refused").asBoolean() ? RelspecCli.FAILED : 0;
    }
    Table table = new Table("task", "action", "reason", "files", "scope");
    int running = 0;
    for (JsonNode task : preview.path("plan")) {
      String action = task.path("action").asText();
      running += "run".equals(action) ? 1 : 0;
      if (!all && !"run".equals(action)) {
        continue;
      }
      table.row(
          task.path("task").asText(),
          action,
          task.path("reason").asText(),
          files(task.path("fileIds")),
          task.hasNonNull("scope")
              ? task.path("scope").asText()
              : task.path("blockedBy").asText(""));
    }
    out.printf(
        "dry run against plan catalog %s: %d of %d tasks would run%n",
        abbreviate(preview.path("planCatalogId").asText()), running, preview.path("plan").size());
    if (table.size() > 0) {
      table.print(out);
    }
    if (preview.path("retired").size() > 0) {
      out.println("outputs that would be retired: " + preview.path("retired"));
    }
    for (JsonNode problem : preview.path("problems")) {
      out.println(
          "problem "
              + problem.path("code").asText()
              + (problem.hasNonNull("task") ? " (" + problem.path("task").asText() + ")" : "")
              + ": "
              + problem.path("message").asText());
    }
    if (preview.path("refused").asBoolean()) {
      out.println("a run with these options would be refused (see the problems above)");
    }
    out.flush();
    return preview.path("refused").asBoolean() ? RelspecCli.FAILED : 0;
  }

  /** "all" for a whole output, else the first file ids and how many more. */
  static String files(JsonNode fileIds) {
    if (fileIds.isEmpty()) {
      return "all";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(FILES_SHOWN, fileIds.size()); i++) {
      text.append(i == 0 ? "" : ",").append(fileIds.get(i).asText());
    }
    if (fileIds.size() > FILES_SHOWN) {
      text.append(" (+").append(fileIds.size() - FILES_SHOWN).append(" more)");
    }
    return text.toString();
  }

  private static String abbreviate(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
