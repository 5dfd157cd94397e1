package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.api.ApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec lineage dataset.column}: where a column comes from, or what it feeds. */
@Command(
    name = "lineage",
    description = "Column lineage across tasks, as the compiler inferred it.")
public final class LineageCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DATASET.COLUMN")
  String target;

  @ArgGroup(exclusive = true)
  Direction direction;

  static final class Direction {
    @Option(names = "--upstream", description = "where it comes from (the default)")
    boolean upstream;

    @Option(names = "--downstream", description = "what is computed from it")
    boolean downstream;
  }

  @Option(
      names = "--depth",
      defaultValue = "10",
      description = "tasks to follow (default ${DEFAULT-VALUE})")
  int depth;

  @Override
  public Integer call() {
    int dot = target.lastIndexOf('.');
    if (dot <= 0 || dot == target.length() - 1) {
      throw new IllegalArgumentException("expected DATASET.COLUMN, got '" + target + "'");
    }
    String dataset = target.substring(0, dot);
    String column = target.substring(dot + 1);
    String way = direction != null && direction.downstream ? "downstream" : "upstream";
    JsonNode graph =
        connection
            .api()
            .get(
                "api/v1/lineage/"
                    + ApiClient.segment(dataset)
                    + "/"
                    + ApiClient.segment(column)
                    + "?direction="
                    + way
                    + "&depth="
                    + depth);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%s lineage of %s (plan catalog %s)%n", way, target, graph.path("planCatalogId").asText());
    if (graph.path("edges").isEmpty()) {
      out.println(
          "  (none: " + ("upstream".equals(way) ? "a source column" : "nothing reads it") + ")");
    }
    for (JsonNode edge : graph.path("edges")) {
      out.printf(
          "  %s%s.%s <- %s.%s  via %s (%s%s)%n",
          "  ".repeat(Math.max(0, edge.path("distance").asInt() - 1)),
          edge.path("to").path("dataset").asText(),
          edge.path("to").path("column").asText(),
          edge.path("from").path("dataset").asText(),
          edge.path("from").path("column").asText(),
          edge.path("task").asText(),
          edge.path("type").asText().toLowerCase(java.util.Locale.ROOT),
          edge.path("subtype").isTextual()
              ? ", " + edge.path("subtype").asText().toLowerCase(java.util.Locale.ROOT)
              : "");
    }
    return 0;
  }
}
