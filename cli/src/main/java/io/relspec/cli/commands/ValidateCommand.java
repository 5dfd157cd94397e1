package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code relspec validate}: catalog, compiler and graph diagnostics; exit 1 on any error. */
@Command(
    name = "validate",
    description = "Check the catalog, its compiled plans and the graph; exit 1 on errors.")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode report = connection.api().get("api/v1/validation");
    PrintWriter out = spec.commandLine().getOut();
    for (JsonNode diagnostic : report.path("diagnostics")) {
      out.printf(
          "%-7s %-22s %s %s: %s%n",
          diagnostic.path("severity").asText(),
          diagnostic.path("code").asText(),
          diagnostic.path("subjectKind").asText(),
          diagnostic.path("subject").asText(),
          diagnostic.path("message").asText());
    }
    out.printf(
        "%s: %d errors, %d warnings (plan catalog %s, graph %s)%n",
        report.path("valid").asBoolean() ? "valid" : "invalid",
        report.path("errorCount").asInt(),
        report.path("warningCount").asInt(),
        report.path("planCatalogId").asText(),
        abbreviate(report.path("graphSignature").asText()));
    return report.path("valid").asBoolean() ? 0 : RelspecCli.FAILED;
  }

  private static String abbreviate(String signature) {
    return signature.length() > 12 ? signature.substring(0, 12) : signature;
  }
}
