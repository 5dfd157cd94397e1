package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.contracts.api.runs.RunStatus;
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
    RunStatus[] runs = connection.api().get("api/v1/runs", RunStatus[].class);
    Table table = new Table("run", "state", "mode", "created", "finished");
    int shown = 0;
    for (RunStatus run : runs) {
      if (shown++ == limit) {
        break;
      }
      table.row(
          run.runId(),
          run.state().name(),
          run.mode().wireName(),
          String.valueOf(run.createdAt()),
          run.finishedAt() == null ? "" : run.finishedAt().toString());
    }
    table.print(spec.commandLine().getOut());
    return 0;
  }
}
