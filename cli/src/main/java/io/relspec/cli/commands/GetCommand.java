package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.data.DataClient;
import java.net.URI;
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
  @Mixin ResultOutput result;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DATASET")
  String dataset;

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
      result.write(spec.commandLine().getOut(), stream, data.allocator(), dataset);
    }
    return 0;
  }
}
