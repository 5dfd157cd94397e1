package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.api.ApiClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec diff A B}: what changed between two catalog snapshots. */
@Command(name = "diff", description = "Compare two catalog snapshots (ids, or 'latest').")
public final class DiffCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SNAPSHOT_A")
  String from;

  @Parameters(index = "1", paramLabel = "SNAPSHOT_B")
  String to;

  @Override
  public Integer call() {
    JsonNode diff =
        connection
            .api()
            .get("api/v1/snapshots/" + ApiClient.segment(from) + "/diff/" + ApiClient.segment(to));
    PrintWriter out = spec.commandLine().getOut();
    if (diff.path("identical").asBoolean()) {
      out.println("identical");
      return 0;
    }
    for (String kind : List.of("datasets", "functions", "templates", "tasks", "bundles")) {
      JsonNode section = diff.path(kind);
      section.path("added").forEach(name -> out.printf("+ %s %s%n", singular(kind), name.asText()));
      section
          .path("removed")
          .forEach(name -> out.printf("- %s %s%n", singular(kind), name.asText()));
      section
          .path("changed")
          .forEach(
              changed ->
                  out.printf(
                      "~ %s %s (%s)%n",
                      singular(kind),
                      changed.path("name").asText(),
                      String.join(", ", texts(changed.path("fields")))));
    }
    return 0;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static String singular(String kind) {
    return kind.substring(0, kind.length() - 1);
  }
}
