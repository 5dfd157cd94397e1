package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.data.DataClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec get <dataset>}: a dataset's rows over Flight DoGet, as a table or a file. */
@Command(
    name = "get",
    description = "Fetch a dataset (Arrow Flight DoGet) as a table, CSV, Parquet or Arrow IPC.")
public final class GetCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DATASET")
  String dataset;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv, parquet or arrow (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = "--limit",
      description = "at most this many rows (default: 20 for table, all otherwise)")
  Long limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write to a file (required for parquet and arrow)")
  Path output;

  @Option(names = "--version", paramLabel = "N", description = "a retained older version")
  Long version;

  @Override
  public Integer call() throws Exception {
    try {
      return read(connection.data());
    } catch (FlightRuntimeException e) {
      if (e.status().code() != FlightStatusCode.NOT_FOUND) {
        throw e;
      }
      // Not held by the executor this CLI talks to: ask the scheduler which one holds it.
      URI holder;
      try {
        holder =
            URI.create(
                connection.api().get("api/v1/locations/" + dataset).path("flightUri").asText());
      } catch (RuntimeException lookup) {
        throw e;
      }
      return read(connection.data(holder));
    }
  }

  private int read(DataClient client) throws Exception {
    // The stream is closed before the allocator: its batches are the allocator's memory.
    try (DataClient data = client;
        FlightStream stream = data.get(dataset, version)) {
      ResultOutput.write(
          spec.commandLine().getOut(), stream, data.allocator(), format, limit, output, dataset);
    }
    return 0;
  }
}
