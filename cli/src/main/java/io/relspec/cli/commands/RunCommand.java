package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.ApiClient;
import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunStatus;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relspec run}: starts a run and, with {@code --wait}, follows it to the end with a live
 * progress line and a summary. {@code run show <id>} and {@code run cancel <id>} inspect and stop.
 */
@Command(
    name = "run",
    description = {
      "Start a run: incremental by default (only what changed and what is downstream of it).",
      "Exit status 1 when the run fails or is cancelled (with --wait)."
    },
    subcommands = {RunCommand.Show.class, RunCommand.Cancel.class})
public final class RunCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Mixin RunRequestOptions options;

  @Option(names = "--wait", description = "follow the run until it ends, showing progress")
  boolean await;

  @Option(names = "--quiet", description = "with --wait, print only the summary")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ApiClient api = connection.api();
    RunAccepted accepted = api.post("api/v1/runs", options.body(), RunAccepted.class);
    String runId = accepted.runId();
    RunProgress.printPlan(out, accepted);
    if (!await) {
      out.println("follow it with: relspec run show " + runId);
      return 0;
    }
    RunStatus finished = new RunProgress(api, out, quiet).follow(runId);
    return RunProgress.succeeded(finished) ? 0 : RelspecCli.FAILED;
  }

  @Command(name = "show", description = "Show a run and each of its tasks.")
  static final class Show implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      ApiClient api = connection.api();
      RunStatus run = api.get("api/v1/runs/" + ApiClient.segment(runId), RunStatus.class);
      new RunProgress(api, spec.commandLine().getOut(), true).summary(run);
      return 0;
    }
  }

  @Command(name = "cancel", description = "Cancel a run; running queries are interrupted.")
  static final class Cancel implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      RunStatus run =
          connection
              .api()
              .post(
                  "api/v1/runs/" + ApiClient.segment(runId) + "/cancel", Map.of(), RunStatus.class);
      spec.commandLine().getOut().println(runId + ": " + run.state());
      return 0;
    }
  }
}
