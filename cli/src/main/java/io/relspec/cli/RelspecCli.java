package io.relspec.cli;

import io.relspec.cli.api.ProblemException;
import io.relspec.cli.commands.BundleCommand;
import io.relspec.cli.commands.DataCommand;
import io.relspec.cli.commands.DiffCommand;
import io.relspec.cli.commands.ExampleCommand;
import io.relspec.cli.commands.GetCommand;
import io.relspec.cli.commands.GraphCommand;
import io.relspec.cli.commands.LineageCommand;
import io.relspec.cli.commands.PlanCommand;
import io.relspec.cli.commands.RunCommand;
import io.relspec.cli.commands.RunsCommand;
import io.relspec.cli.commands.SqlCommand;
import io.relspec.cli.commands.ValidateCommand;
import io.relspec.cli.data.DataClient;
import java.io.PrintWriter;
import org.apache.arrow.flight.FlightRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code relspec} command: a client of the REST APIs and of executors' Flight endpoints. */
@Command(
    name = "relspec",
    mixinStandardHelpOptions = true,
    version = "relspec 0.1.0",
    description = "Push bundles, upload data, run and inspect Relspec.",
    subcommands = {
      BundleCommand.class,
      DataCommand.class,
      RunCommand.class,
      PlanCommand.class,
      RunsCommand.class,
      GetCommand.class,
      SqlCommand.class,
      LineageCommand.class,
      GraphCommand.class,
      ValidateCommand.class,
      DiffCommand.class,
      ExampleCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RelspecCli implements Runnable {
  /** Exit status of a command the server or the data refused. */
  public static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; the exit status is 0 on success, 1 on a refused request, 2 on usage. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine line = new CommandLine(new RelspecCli());
    line.setOut(out);
    line.setErr(err);
    line.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          err.println("error: " + message(exception));
          if (exception instanceof ProblemException problem) {
            problem.violations().forEach(v -> err.println("  - " + v));
          }
          err.flush();
          return FAILED;
        });
    return line.execute(args);
  }

  private static String message(Exception exception) {
    if (exception instanceof FlightRuntimeException flight) {
      return DataClient.describe(flight);
    }
    if (exception instanceof ProblemException problem) {
      return problem.getMessage() + (problem.status() > 0 ? " [" + problem.code() + "]" : "");
    }
    String message = exception.getMessage();
    return message == null ? exception.toString() : message;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
