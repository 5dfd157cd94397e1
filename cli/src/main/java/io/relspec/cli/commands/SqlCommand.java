package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.data.DataClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relspec sql "SELECT …"}: a read-only query over Arrow Flight SQL on an executor, which
 * reads every dataset and view the scheduler knows of (fetching from other executors as tasks do).
 */
@Command(
    name = "sql",
    description = {
      "Query datasets and views with SQL (Arrow Flight SQL; one SELECT, read-only).",
      "The result is a table, CSV, Parquet or Arrow IPC. Any JDBC or ADBC Flight SQL client",
      "reaches the same service: see docs/executor.md, Querying with SQL."
    })
public final class SqlCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin ResultOutput result;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUERY", arity = "0..1", description = "one SELECT; or use --file")
  String query;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "read the query from a file")
  Path file;

  @Option(
      names = "--run",
      paramLabel = "RUN_ID",
      description = "read the versions that run read and wrote, not the newest ones")
  String run;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description =
          "read the versions of the newest succeeded run of this catalog snapshot (or plan catalog)")
  String snapshot;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "stop the query after this long (never past the executor's own limit)")
  Double timeout;

  @Override
  public Integer call() throws Exception {
    String sql = sql();
    Map<String, String> headers = new LinkedHashMap<>();
    if (run != null) {
      headers.put("relspec-run", run);
    }
    if (snapshot != null) {
      headers.put("relspec-snapshot", snapshot);
    }
    if (timeout != null) {
      headers.put("relspec-query-timeout", Double.toString(timeout));
    }
    try (DataClient data = connection.data();
        FlightStream stream = data.sql(sql, headers)) {
      result.write(spec.commandLine().getOut(), stream, data.allocator(), "query");
    }
    return 0;
  }

  private String sql() throws java.io.IOException {
    if ((query == null) == (file == null)) {
      throw new IllegalArgumentException("give the query as an argument or with --file, not both");
    }
    String text = query != null ? query : Files.readString(file, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new IllegalArgumentException("the query is empty");
    }
    return text;
  }
}
