package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.Json;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunPreview;
import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.api.runs.TaskAction;
import java.io.PrintWriter;
import java.util.List;
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
    JsonNode answer = connection.api().post("api/v1/runs", body);
    if (json) {
      out.println(answer.toPrettyString());
      out.flush();
      return answer.path("refused").asBoolean() ? RelspecCli.FAILED : 0;
    }
    RunPreview preview = Json.read(answer.toString(), RunPreview.class);
    Table table = new Table("task", "action", "reason", "files", "scope");
    int running = 0;
    for (PlannedTask task : preview.plan()) {
      boolean runs = task.action() == TaskAction.RUN;
      running += runs ? 1 : 0;
      if (!all && !runs) {
        continue;
      }
      table.row(
          task.task().value(),
          task.action().wireName(),
          task.reason().wireName(),
          files(task.fileIds()),
          task.scope() != null
              ? task.scope()
              : task.blockedBy() == null ? "" : task.blockedBy().toString());
    }
    out.printf(
        "dry run against plan catalog %s: %d of %d tasks would run%n",
        abbreviate(preview.planCatalogId()), running, preview.plan().size());
    if (table.size() > 0) {
      table.print(out);
    }
    if (!preview.retired().isEmpty()) {
      out.println("outputs that would be retired: " + answer.path("retired"));
    }
    for (RunProblem problem : preview.problems()) {
      out.println(
          "problem "
              + problem.code()
              + (problem.task() != null ? " (" + problem.task().value() + ")" : "")
              + ": "
              + problem.message());
    }
    if (preview.refused()) {
      out.println("a run with these options would be refused (see the problems above)");
    }
    out.flush();
    return preview.refused() ? RelspecCli.FAILED : 0;
  }

  /** "all" for a whole output, else the first file ids and how many more. */
  static String files(List<String> fileIds) {
    if (fileIds.isEmpty()) {
      return "all";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(FILES_SHOWN, fileIds.size()); i++) {
      text.append(i == 0 ? "" : ",").append(fileIds.get(i));
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
