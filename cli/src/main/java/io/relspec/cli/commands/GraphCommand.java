package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relspec graph}: the inferred task graph as Mermaid, Graphviz DOT or JSON. */
@Command(name = "graph", description = "Print the inferred dependency graph.")
public final class GraphCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      defaultValue = "mermaid",
      description = "mermaid, dot or json (default ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() {
    String text =
        connection
            .api()
            .getText("api/v1/graph?format=" + io.relspec.cli.api.ApiClient.segment(format));
    spec.commandLine().getOut().println(text.stripTrailing());
    return 0;
  }
}
