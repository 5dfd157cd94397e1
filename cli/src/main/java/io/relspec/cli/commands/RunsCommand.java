package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relspec runs}: recent runs, newest first. */
@Command(name = "runs", description = "List recent runs, newest first.")
public final class RunsCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "how many (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    JsonNode runs = connection.api().get("api/v1/runs");
    Table table = new Table("run", "state", "mode", "created", "finished");
    int shown = 0;
    for (JsonNode run : runs) {
      if (shown++ == limit) {
        break;
      }
      table.row(
          run.path("runId").asText(),
          run.path("state").asText(),
          run.path("mode").asText(),
          run.path("createdAt").asText(),
          run.path("finishedAt").asText(""));
    }
    table.print(spec.commandLine().getOut());
    return 0;
  }
}
