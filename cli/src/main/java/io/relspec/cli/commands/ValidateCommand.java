package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.ValidationReport;
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
    ValidationReport report = connection.api().get("api/v1/validation", ValidationReport.class);
    PrintWriter out = spec.commandLine().getOut();
    for (GraphDiagnostic diagnostic : report.diagnostics()) {
      out.printf(
          "%-7s %-22s %s %s: %s%n",
          diagnostic.severity(),
          diagnostic.code(),
          diagnostic.subjectKind() == null ? "" : diagnostic.subjectKind(),
          diagnostic.subject() == null ? "" : diagnostic.subject(),
          diagnostic.message());
    }
    out.printf(
        "%s: %d errors, %d warnings (plan catalog %s, graph %s)%n",
        report.valid() ? "valid" : "invalid",
        report.errorCount(),
        report.warningCount(),
        report.planCatalogId(),
        abbreviate(report.graphSignature()));
    return report.valid() ? 0 : RelspecCli.FAILED;
  }

  private static String abbreviate(String signature) {
    return signature.length() > 12 ? signature.substring(0, 12) : signature;
  }
}
